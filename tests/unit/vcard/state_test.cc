// Loading and saving the state file: validation errors name the file and the field.
#include "tests/unit/vcard/vcard_test_util.h"
#include "vcard/card_state.h"
#include "vcard/state_codings.h"

namespace esim::vcard::testing {
namespace {

class StateTest : public ::testing::Test {
 protected:
  // Loads the default state with `edit` applied and returns the status.
  Status LoadEdited(const std::function<void(nlohmann::json&)>& edit) {
    auto doc = ReadJson(DefaultStatePath());
    edit(doc);
    WriteJson(dir_.File("s.json"), doc);
    return LoadState(dir_.File("s.json")).status();
  }
  void ExpectBad(const std::function<void(nlohmann::json&)>& edit, const std::string& field) {
    Status s = LoadEdited(edit);
    EXPECT_EQ(s.code(), ErrorCode::kInvalidInput) << field;
    EXPECT_NE(s.message().find(dir_.File("s.json") + ": " + field), std::string::npos) << s.message();
  }
  TempDir dir_;
};

TEST_F(StateTest, DefaultStateLoads) {
  auto st = LoadState(DefaultStatePath());
  ASSERT_TRUE(st.ok()) << st.status().message();
  EXPECT_TRUE(EidCheckValid(st->eid));
  EXPECT_EQ(st->profiles.size(), 3u);
  EXPECT_EQ(st->notifications.size(), 3u);
  EXPECT_EQ(st->next_seq_number, 10);
  int enabled = 0;
  for (const auto& p : st->profiles) enabled += p.profileState == es10::ProfileState::kEnabled;
  EXPECT_EQ(enabled, 1);
}

TEST_F(StateTest, MissingAndBrokenFiles) {
  auto missing = LoadState(dir_.File("nope.json"));
  EXPECT_EQ(missing.status().code(), ErrorCode::kIo);
  EXPECT_NE(missing.status().message().find("nope.json"), std::string::npos);
  std::ofstream(dir_.File("broken.json")) << "{ \"eid\": ";
  auto broken = LoadState(dir_.File("broken.json"));
  EXPECT_EQ(broken.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(broken.status().message().find("broken.json: not valid JSON"), std::string::npos);
}

TEST_F(StateTest, FieldErrorsNameTheField) {
  ExpectBad([](auto& d) { d["eid"] = "89049032000000000000000012345645"; }, "eid");
  ExpectBad([](auto& d) { d.erase("eid"); }, "eid: missing");
  ExpectBad([](auto& d) { d["isdrAid"] = "A0"; }, "isdrAid");
  ExpectBad([](auto& d) { d["isdrAid"] = "XYZ"; }, "isdrAid");
  ExpectBad([](auto& d) { d["euiccInfo2"]["svn"] = "2.2"; }, "euiccInfo2.svn");
  ExpectBad([](auto& d) { d["euiccInfo2"]["euiccCategory"] = 9; }, "euiccInfo2.euiccCategory");
  ExpectBad([](auto& d) { d["euiccInfo2"]["extCardResource"]["freeNonVolatileMemory"] = "lots"; },
            "euiccInfo2.extCardResource.freeNonVolatileMemory");
  ExpectBad([](auto& d) { d["configuredAddresses"].erase("rootDsAddress"); }, "configuredAddresses.rootDsAddress");
  ExpectBad([](auto& d) { d["profiles"][1]["iccid"] = "12345"; }, "profiles[1].iccid");
  ExpectBad([](auto& d) { d["profiles"][1]["iccid"] = d["profiles"][0]["iccid"]; }, "profiles[1].iccid: duplicate");
  ExpectBad([](auto& d) { d["profiles"][2]["isdpAid"] = d["profiles"][0]["isdpAid"]; }, "profiles[2].isdpAid");
  ExpectBad([](auto& d) { d["profiles"][1]["state"] = "enabled"; }, "profiles[1].state: more than one");
  ExpectBad([](auto& d) { d["profiles"][0]["state"] = "on"; }, "profiles[0].state");
  ExpectBad([](auto& d) { d["profiles"][0]["nickname"] = std::string(65, 'x'); }, "profiles[0].nickname");
  ExpectBad([](auto& d) { d["profiles"][0]["serviceProviderName"] = std::string(33, 'x'); },
            "profiles[0].serviceProviderName");
  ExpectBad([](auto& d) { d["profiles"][0]["icon"] = "!!"; }, "profiles[0].icon");
  ExpectBad([](auto& d) { d["profiles"][0].erase("iconType"); }, "profiles[0].iconType");
  ExpectBad([](auto& d) { d["profiles"][0]["profileClass"] = "fun"; }, "profiles[0].profileClass");
  ExpectBad([](auto& d) { d["profiles"][0]["notificationConfigurationInfo"][0]["events"] = {"boot"}; },
            "profiles[0].notificationConfigurationInfo[0].events");
  ExpectBad([](auto& d) { d["profiles"][0]["profileOwner"]["mccMnc"] = "1234"; }, "profiles[0].profileOwner.mccMnc");
  ExpectBad([](auto& d) { d["profiles"][0]["profilePolicyRules"]["ppr1"] = "yes"; },
            "profiles[0].profilePolicyRules.ppr1");
  ExpectBad([](auto& d) { d["notifications"][0]["event"] = "reboot"; }, "notifications[0].event");
  ExpectBad([](auto& d) { d["notifications"][1]["seqNumber"] = 7; }, "notifications[1].seqNumber");
  ExpectBad([](auto& d) { d["nextSeqNumber"] = 9; }, "nextSeqNumber");
  ExpectBad([](auto& d) { d["credentials"] = {{"euiccKey", "k.pem"}}; }, "credentials.euiccCertificate");
  ExpectBad([](auto& d) { d["profiles"] = "none"; }, "profiles");
}

TEST_F(StateTest, SaveRoundTripKeepsUnknownMembersAndChangesOnlyMutableOnes) {
  auto doc = ReadJson(DefaultStatePath());
  doc["x-note"] = "kept";
  WriteJson(dir_.File("s.json"), doc);
  auto st = LoadState(dir_.File("s.json"));
  ASSERT_TRUE(st.ok());
  st->profiles[1].profileNickname = "Travel";
  st->notifications.pop_back();
  st->next_seq_number = 300;
  ASSERT_TRUE(SaveState(*st, dir_.File("s.json")).ok());
  auto saved = ReadJson(dir_.File("s.json"));
  EXPECT_EQ(saved["x-note"], "kept");
  EXPECT_EQ(saved["euiccInfo2"], doc["euiccInfo2"]);
  EXPECT_EQ(saved["profiles"][1]["nickname"], "Travel");
  EXPECT_EQ(saved["profiles"][0]["icon"], doc["profiles"][0]["icon"]);
  EXPECT_EQ(saved["profiles"][0], doc["profiles"][0]);
  EXPECT_EQ(saved["nextSeqNumber"], 300);
  auto again = LoadState(dir_.File("s.json"));
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(again->profiles, st->profiles);
  EXPECT_EQ(again->notifications, st->notifications);
  // No temporary file is left behind.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir_.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1);
}

TEST_F(StateTest, SaveIntoMissingDirectoryFailsWithIo) {
  auto st = LoadState(DefaultStatePath());
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(SaveState(*st, dir_.File("no/such/dir.json")).code(), ErrorCode::kIo);
}

TEST_F(StateTest, CodingsHelpers) {
  EXPECT_EQ(ToHex(*IccidToBcd("8999010010000001018")), "989910000100001010F8");
  EXPECT_EQ(BcdToIccid(*IccidToBcd("89991001000000010188")), "89991001000000010188");
  EXPECT_EQ(ToHex(*MccMncToBytes("310410")), "130014");
  EXPECT_EQ(MccMncText(*MccMncToBytes("310410")), "310410");
  EXPECT_EQ(MccMncText(*MccMncToBytes("23415")), "23415");
  EXPECT_EQ(ToHex(*Base64Decode(Base64Encode(H("0001FEFF10")))), "0001FEFF10");
  EXPECT_FALSE(ParseVersion("1.2.300").ok());
  EXPECT_EQ(ToHex(*ParseVersion("2.10.0")), "020A00");
}

}  // namespace
}  // namespace esim::vcard::testing
