// The state-changing ES10 functions: SGP.22 rules, result codes, notifications,
// seqNumber, persistence and the injected faults.
#include "asn1/es10_codec.h"
#include "tests/unit/vcard/vcard_test_util.h"

namespace esim::vcard::testing {
namespace {

constexpr char kNorthwind[] = "8999010010000001018";  // enabled, every event -> smdp.northwind.example
constexpr char kContoso[] = "8999020020000002021";    // install/delete -> rsp., enable/disable -> notify.
constexpr char kFabrikam[] = "8999030030000003034";   // test class, delete only

class Es10WriteTest : public CardFixture {
 protected:
  void SetUp() override {
    CardFixture::SetUp();
    ASSERT_EQ(SelectIsdr(), 0x9000);
  }
  void ReloadAndSelect(VirtualEuicc::Options o = {}) {
    Reload(o);
    ASSERT_EQ(SelectIsdr(), 0x9000);
  }
  template <typename Response, typename Request>
  Response Call(const Request& request, uint16_t want_sw = 0x9000) {
    auto der = es10::Encode(request);
    EXPECT_TRUE(der.ok()) << der.status().message();
    if (!der.ok()) return Response{};
    auto r = Es10(*der);
    EXPECT_EQ(r.sw, want_sw);
    auto decoded = es10::Decode<Response>(r.data);
    EXPECT_TRUE(decoded.ok()) << decoded.status().message() << " " << ToHex(r.data);
    return decoded.ok() ? *decoded : Response{};
  }
  int64_t Enable(es10::ProfileId id, bool refresh = false, uint16_t sw = 0x9000) {
    return Call<es10::EnableProfileResponse>(es10::EnableProfileRequest{std::move(id), refresh}, sw).enableResult;
  }
  int64_t Disable(es10::ProfileId id) {
    return Call<es10::DisableProfileResponse>(es10::DisableProfileRequest{std::move(id), false}).disableResult;
  }
  int64_t Delete(es10::ProfileId id) {
    return Call<es10::DeleteProfileResponse>(es10::DeleteProfileRequest{std::move(id)}).deleteResult;
  }
  std::vector<es10::ProfileInfo> Profiles() {
    return Call<es10::GetProfilesInfoResponse>(es10::GetProfilesInfoRequest{}).profileInfoListOk.value_or(
        std::vector<es10::ProfileInfo>{});
  }
  std::optional<es10::ProfileState> StateOf(const std::string& iccid) {
    for (const auto& p : Profiles()) {
      if (p.iccid == iccid) return p.profileState;
    }
    return std::nullopt;
  }
  std::vector<es10::NotificationMetadata> Notifications() {
    return Call<es10::ListNotificationResponse>(es10::ListNotificationRequest{})
        .notificationMetadataList.value_or(std::vector<es10::NotificationMetadata>{});
  }
  // Sets profile members in the state file and reloads.
  void EditState(const std::function<void(nlohmann::json&)>& edit) {
    auto doc = ReadJson(state_path_);
    edit(doc);
    WriteJson(state_path_, doc);
    ReloadAndSelect();
  }
};

es10::NotificationEvents Ev(const std::string& name) {
  es10::NotificationEvents e;
  e.install = name == "install";
  e.enable = name == "enable";
  e.disable = name == "disable";
  e.deletion = name == "delete";
  return e;
}

TEST_F(Es10WriteTest, EnableSwitchesProfilesAndQueuesBothNotifications) {
  EXPECT_EQ(Enable(es10::Iccid(kContoso)), 0);
  EXPECT_EQ(StateOf(kContoso), es10::ProfileState::kEnabled);
  EXPECT_EQ(StateOf(kNorthwind), es10::ProfileState::kDisabled);
  auto n = Notifications();
  ASSERT_EQ(n.size(), 5u);
  EXPECT_EQ(n[3], (es10::NotificationMetadata{10, Ev("disable"), "smdp.northwind.example", kNorthwind}));
  EXPECT_EQ(n[4], (es10::NotificationMetadata{11, Ev("enable"), "notify.contoso.example", kContoso}));
}

TEST_F(Es10WriteTest, EnableResultCodes) {
  EXPECT_EQ(Enable(es10::Iccid(kNorthwind)), 2);  // already enabled
  EXPECT_EQ(Enable(es10::Iccid("8999010010000009999")), 1);
  // By ISD-P AID.
  EXPECT_EQ(Enable(es10::IsdpAid{H("A0000005591010FFFFFFFF8900001200")}), 0);
  EXPECT_EQ(StateOf(kFabrikam), es10::ProfileState::kEnabled);
  // An ICCID of the wrong length (9 bytes) matches nothing.
  EXPECT_EQ(ToHex(Es10("BF3110A00B5A09989920000200002020810100").data), "BF3103800101");
  // Garbage inside the request: undefinedError.
  EXPECT_EQ(ToHex(Es10("BF3103810100").data), "BF310380017F");
}

TEST_F(Es10WriteTest, NotificationsOnlyForConfiguredEvents) {
  // Fabrikam lists only "delete": enabling it yields just Northwind's disable notification.
  EXPECT_EQ(Enable(es10::Iccid(kFabrikam)), 0);
  auto n = Notifications();
  ASSERT_EQ(n.size(), 4u);
  EXPECT_TRUE(n[3].profileManagementOperation.disable);
  EXPECT_EQ(n[3].iccid, kNorthwind);
  // Disabling Fabrikam: nothing configured for disable, nothing queued.
  EXPECT_EQ(Disable(es10::Iccid(kFabrikam)), 0);
  EXPECT_EQ(Notifications().size(), 4u);
  // Deleting it: delete is configured.
  EXPECT_EQ(Delete(es10::Iccid(kFabrikam)), 0);
  n = Notifications();
  ASSERT_EQ(n.size(), 5u);
  EXPECT_EQ(n[4], (es10::NotificationMetadata{11, Ev("delete"), "smdp.fabrikam.example", kFabrikam}));
}

TEST_F(Es10WriteTest, DisableAndDeleteRules) {
  EXPECT_EQ(Disable(es10::Iccid(kContoso)), 2);  // not enabled
  EXPECT_EQ(Disable(es10::Iccid("8999010010000009999")), 1);
  EXPECT_EQ(Delete(es10::Iccid(kNorthwind)), 2);  // enabled: disable first
  EXPECT_EQ(Delete(es10::Iccid("8999010010000009999")), 1);
  EXPECT_EQ(Disable(es10::Iccid(kNorthwind)), 0);
  EXPECT_FALSE(StateOf(kNorthwind) == es10::ProfileState::kEnabled);
  EXPECT_EQ(Delete(es10::IsdpAid{H("A0000005591010FFFFFFFF8900001000")}), 0);
  EXPECT_EQ(Profiles().size(), 2u);
  EXPECT_FALSE(StateOf(kNorthwind).has_value());
  auto n = Notifications();
  ASSERT_EQ(n.size(), 5u);
  EXPECT_EQ(n[3], (es10::NotificationMetadata{10, Ev("disable"), "smdp.northwind.example", kNorthwind}));
  EXPECT_EQ(n[4], (es10::NotificationMetadata{11, Ev("delete"), "smdp.northwind.example", kNorthwind}));
  // The facts sheet vector: DeleteProfile for an unknown ICCID.
  EXPECT_EQ(ToHex(Es10("BF330C5A0A89670000000000452301").data), "BF3303800101");
  EXPECT_EQ(ToHex(Es10("BF3300").data), "BF330380017F");
}

TEST_F(Es10WriteTest, ProfilePolicyRules) {
  EditState([](auto& d) {
    d["profiles"][0]["profilePolicyRules"] = {{"ppr1", true}, {"ppr2", false}};
    d["profiles"][1]["profilePolicyRules"] = {{"ppr1", false}, {"ppr2", true}};
  });
  EXPECT_EQ(Disable(es10::Iccid(kNorthwind)), 3);
  EXPECT_EQ(Enable(es10::Iccid(kContoso)), 3);  // would disable Northwind
  EXPECT_EQ(Delete(es10::Iccid(kContoso)), 3);
  EXPECT_EQ(StateOf(kNorthwind), es10::ProfileState::kEnabled);
  EXPECT_EQ(Notifications().size(), 3u);
  EXPECT_EQ(Profiles().size(), 3u);
}

TEST_F(Es10WriteTest, NotificationSentRemovesExactlyOne) {
  auto r = Call<es10::NotificationSentResponse>(es10::NotificationSentRequest{8});
  EXPECT_EQ(r.deleteNotificationStatus, 0);
  auto n = Notifications();
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0].seqNumber, 7);
  EXPECT_EQ(n[1].seqNumber, 9);
  EXPECT_EQ(Call<es10::NotificationSentResponse>(es10::NotificationSentRequest{8}).deleteNotificationStatus, 1);
  EXPECT_EQ(Call<es10::NotificationSentResponse>(es10::NotificationSentRequest{0}).deleteNotificationStatus, 1);
}

TEST_F(Es10WriteTest, SeqNumberPassesByteAndIsNeverReused) {
  EditState([](auto& d) { d["nextSeqNumber"] = 255; });
  EXPECT_EQ(Enable(es10::Iccid(kContoso)), 0);  // 255 disable, 256 enable
  auto n = Notifications();
  ASSERT_EQ(n.size(), 5u);
  EXPECT_EQ(n[3].seqNumber, 255);
  EXPECT_EQ(n[4].seqNumber, 256);
  // seqNumber 256 as DER: 80 02 01 00.
  EXPECT_NE(ToHex(Es10("BF2800").data).find("8002010081"), std::string::npos);
  // Remove everything, restart the card: the counter goes on.
  for (const auto& m : n) {
    EXPECT_EQ(Call<es10::NotificationSentResponse>(es10::NotificationSentRequest{m.seqNumber}).deleteNotificationStatus, 0);
  }
  EXPECT_TRUE(Notifications().empty());
  ReloadAndSelect();
  EXPECT_EQ(Enable(es10::Iccid(kNorthwind)), 0);
  n = Notifications();
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0].seqNumber, 257);
  EXPECT_EQ(n[1].seqNumber, 258);
  // Retrieval by a seqNumber above 255 works too.
  es10::RetrieveNotificationsListRequest by_seq;
  by_seq.searchCriteria = int64_t{258};
  auto one = Call<es10::RetrieveNotificationsListResponse>(by_seq);
  ASSERT_EQ(one.notificationList.value().size(), 1u);
  EXPECT_EQ(one.notificationList->at(0).metadata().seqNumber, 258);
}

TEST_F(Es10WriteTest, StatePersistsAcrossReload) {
  EXPECT_EQ(Enable(es10::Iccid(kContoso)), 0);
  EXPECT_EQ(Call<es10::SetNicknameResponse>(es10::SetNicknameRequest{kContoso, "Holiday"}).setNicknameResult, 0);
  ReloadAndSelect();
  EXPECT_EQ(StateOf(kContoso), es10::ProfileState::kEnabled);
  EXPECT_EQ(StateOf(kNorthwind), es10::ProfileState::kDisabled);
  EXPECT_EQ(Profiles().at(1).profileNickname, "Holiday");
  EXPECT_EQ(Notifications().size(), 5u);
  auto doc = ReadJson(state_path_);
  EXPECT_EQ(doc["nextSeqNumber"], 12);
  EXPECT_EQ(doc["profiles"][1]["state"], "enabled");
}

TEST_F(Es10WriteTest, PersistFalseLeavesTheFileAlone) {
  VirtualEuicc::Options o;
  o.persist = false;
  ReloadAndSelect(o);
  auto before = ReadJson(state_path_);
  EXPECT_EQ(Enable(es10::Iccid(kContoso)), 0);
  EXPECT_EQ(StateOf(kContoso), es10::ProfileState::kEnabled);
  EXPECT_EQ(ReadJson(state_path_), before);
}

TEST_F(Es10WriteTest, FailedSaveKeepsOldStateAndAnswers6581) {
  std::filesystem::remove(state_path_);
  std::filesystem::create_directory(state_path_);  // rename over a directory fails
  auto r = Es10(*es10::Encode(es10::EnableProfileRequest{es10::Iccid(kContoso), false}));
  EXPECT_EQ(r.sw, 0x6581);
  EXPECT_EQ(StateOf(kContoso), es10::ProfileState::kDisabled);
  EXPECT_EQ(StateOf(kNorthwind), es10::ProfileState::kEnabled);
  EXPECT_EQ(Notifications().size(), 3u);
}

TEST_F(Es10WriteTest, SetNicknameCodes) {
  EXPECT_EQ(Call<es10::SetNicknameResponse>(es10::SetNicknameRequest{"8999010010000009999", "x"}).setNicknameResult, 1);
  EXPECT_EQ(Call<es10::SetNicknameResponse>(es10::SetNicknameRequest{kNorthwind, ""}).setNicknameResult, 0);
  EXPECT_FALSE(Profiles().at(0).profileNickname.has_value());
  // 65 bytes: over the limit.
  std::string request = "BF294F" "5A0A989910000100001010F8" "9041" + std::string(130, '4');
  EXPECT_EQ(ToHex(Es10(request).data), "BF290380017F");
}

TEST_F(Es10WriteTest, NicknameThatIsNotUtf8IsSavedWithReplacementCharacters) {
  // Another LPA may send any bytes; the card takes them, and saving its JSON state must not throw.
  EXPECT_EQ(ToHex(Es10("BF2910" "5A0A989910000100001010F8" "9002FFFE").data), "BF2903800100");
  ReloadAndSelect();
  EXPECT_EQ(Profiles().at(0).profileNickname, "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_F(Es10WriteTest, SetDefaultDpAddress) {
  EXPECT_EQ(Call<es10::SetDefaultDpAddressResponse>(es10::SetDefaultDpAddressRequest{"smdp.fabrikam.example"})
                .setDefaultDpAddressResult, 0);
  auto a = Call<es10::EuiccConfiguredAddressesResponse>(es10::GetEuiccConfiguredAddressesRequest{});
  EXPECT_EQ(a.defaultDpAddress, "smdp.fabrikam.example");
  ReloadAndSelect();
  a = Call<es10::EuiccConfiguredAddressesResponse>(es10::GetEuiccConfiguredAddressesRequest{});
  EXPECT_EQ(a.defaultDpAddress, "smdp.fabrikam.example");
}

TEST_F(Es10WriteTest, MemoryReset) {
  es10::EuiccMemoryResetRequest test_only;
  test_only.deleteFieldLoadedTestProfiles = true;
  EXPECT_EQ(Call<es10::EuiccMemoryResetResponse>(test_only).resetResult, 0);
  EXPECT_EQ(Profiles().size(), 2u);
  EXPECT_EQ(Call<es10::EuiccMemoryResetResponse>(test_only).resetResult, 1);  // nothing left to delete
  // The facts sheet request: all three options.
  EXPECT_EQ(ToHex(Es10("BF34048202 05E0").data), "BF3403800100");
  EXPECT_TRUE(Profiles().empty());
  auto a = Call<es10::EuiccConfiguredAddressesResponse>(es10::GetEuiccConfiguredAddressesRequest{});
  EXPECT_FALSE(a.defaultDpAddress.has_value());
  EXPECT_EQ(Notifications().size(), 3u);  // memory reset queues none and keeps pending ones
  EXPECT_EQ(ToHex(Es10("BF34048202 05E0").data), "BF3403800101");
}

TEST_F(Es10WriteTest, RefreshFlagAnswers91xxAndOffersRefresh) {
  EXPECT_EQ(Enable(es10::Iccid(kContoso), /*refresh=*/true, /*sw=*/0x910B), 0);
  auto fetch = Tx("801200000B");
  EXPECT_EQ(fetch.sw, 0x9000);
  EXPECT_EQ(ToHex(fetch.data), "D009810301010682028182");
  EXPECT_EQ(Tx("801400000C810301010602028281030100").sw, 0x9000);
  EXPECT_EQ(Tx("801200000B").sw, 0x6985);  // nothing more pending
  EXPECT_EQ(StateOf(kContoso), es10::ProfileState::kEnabled);
}

TEST_F(Es10WriteTest, DroppedResponseAfterEnableIsOneShot) {
  VirtualEuicc::Options o;
  o.drop_response_after_enable = true;
  ReloadAndSelect(o);
  Bytes enable = *es10::Encode(es10::EnableProfileRequest{es10::Iccid(kContoso), false});
  Bytes apdu{0x80, 0xE2, 0x91, 0x00, static_cast<uint8_t>(enable.size())};
  apdu.insert(apdu.end(), enable.begin(), enable.end());
  apdu.push_back(0x00);
  EXPECT_TRUE(card_->Process(apdu).empty());
  EXPECT_EQ(StateOf(kContoso), es10::ProfileState::kEnabled);  // executed all the same
  EXPECT_EQ(Enable(es10::Iccid(kNorthwind)), 0);               // the next one answers
}

TEST_F(Es10WriteTest, Sw6A88OnceSkipsExecution) {
  VirtualEuicc::Options o;
  o.sw_6a88_once = true;
  ReloadAndSelect(o);
  auto r = Es10(*es10::Encode(es10::EnableProfileRequest{es10::Iccid(kContoso), false}));
  EXPECT_EQ(r.sw, 0x6A88);
  EXPECT_EQ(StateOf(kContoso), es10::ProfileState::kDisabled);
  EXPECT_EQ(Enable(es10::Iccid(kContoso)), 0);
}

}  // namespace
}  // namespace esim::vcard::testing
