// Extended-length APDUs end to end in process: the virtual card's extended_length,
// reject_extended and reject_extended_for knobs (ATR, answers),
// InProcessReader::SupportsExtendedLength, and a CardSession deciding on extended length and
// falling back to short APDUs.
#include <sstream>

#include "readers/atr.h"
#include "src/ops/profile_list.h"
#include "src/ops/profile_ops.h"
#include "src/session/card_session.h"
#include "tests/unit/vcard/vcard_test_util.h"
#include "vcard/virtual_reader.h"

namespace esim::vcard::testing {
namespace {

const std::string kFiveProfiles = std::string(ESIM_SOURCE_DIR) + "/tests/data/five-profiles.json";
const es10::Iccid kEnabled = "8999010010000001018";  // Northwind, enabled in the default card

VirtualEuicc::Options ExtendedCard() {
  VirtualEuicc::Options o;
  o.extended_length = true;
  return o;
}
VirtualEuicc::Options LyingCard() {
  VirtualEuicc::Options o;
  o.reject_extended = true;
  return o;
}
VirtualEuicc::Options CardRefusingExtendedFor(const Bytes& tag) {
  VirtualEuicc::Options o;
  o.reject_extended_for = tag;
  return o;
}

// ---- The card's ATR --------------------------------------------------------------------------

using ExtendedCardTest = CardFixture;

TEST_F(ExtendedCardTest, DefaultAtrIsT0WithoutExtendedLength) {
  const Bytes atr = card_->Atr();
  EXPECT_EQ(ToHex(atr), "3B9F96801FC78031E073FE211B633A204E8300900093");  // unchanged
  EXPECT_FALSE(AtrOffersT1(atr));
  EXPECT_FALSE(AtrAnnouncesExtendedLength(atr));
  EXPECT_TRUE(AtrChecksumValid(atr));
}

TEST_F(ExtendedCardTest, ExtendedLengthAtrOffersT1AndTheCapabilityWithAValidTck) {
  for (const VirtualEuicc::Options& options : {ExtendedCard(), LyingCard(), CardRefusingExtendedFor(H("BF32"))}) {
    LoadCard(options);
    const Bytes atr = card_->Atr();
    EXPECT_EQ(ToHex(atr), "3B9F96811FC78031E073FE215B633A204E83009000D2");
    EXPECT_TRUE(AtrOffersT1(atr));
    EXPECT_TRUE(AtrAnnouncesExtendedLength(atr));
    EXPECT_TRUE(AtrChecksumValid(atr)) << ToHex(atr);
  }
}

// ---- The card's answers ------------------------------------------------------------------------

TEST_F(ExtendedCardTest, ExtendedCardAnswersUpToLeAtOnce) {
  LoadCard(ExtendedCard());
  ASSERT_EQ(SelectIsdr(), 0x9000);
  // GetProfilesInfo with an extended Le: the whole list in one answer, no 61xx.
  Rapdu r = Es10(H("BF2D00"), 0, 255, /*extended_le=*/true);
  EXPECT_EQ(r.sw, 0x9000);
  EXPECT_EQ(r.data[0], 0xBF);
}

TEST_F(ExtendedCardTest, LyingCardRefusesEveryExtendedApduWithoutExecutingIt) {
  LoadCard(LyingCard());
  ASSERT_EQ(SelectIsdr(), 0x9000);
  // SetNickname (BF29) of the enabled profile in extended form: 6700, state untouched.
  const Bytes nickname = H("BF29115A0A989910000100001010F89003414243");
  ASSERT_EQ(nickname.size(), 20u);
  Rapdu refused = Es10(nickname, 0, 255, /*extended_le=*/true);
  EXPECT_EQ(refused.sw, 0x6700);
  nlohmann::json state = ReadJson(state_path_);
  EXPECT_EQ(state["profiles"][0].value("nickname", ""), "Work phone");
  // An extended SELECT or GET RESPONSE too; the same commands in short form work.
  EXPECT_EQ(Tx("00A4040C000010A0000005591010FFFFFFFF8900000100").sw, 0x6700);
  Rapdu accepted = Es10(nickname);
  EXPECT_EQ(accepted.sw, 0x9000);
  state = ReadJson(state_path_);
  EXPECT_EQ(state["profiles"][0].value("nickname", ""), "ABC");
}

TEST_F(ExtendedCardTest, CardRefusingOneFunctionRefusesOnlyItsExtendedForm) {
  LoadCard(CardRefusingExtendedFor(H("BF29")));
  ASSERT_EQ(SelectIsdr(), 0x9000);
  // Other ES10 functions in extended form work (GetProfilesInfo, answered whole)...
  Rapdu listed = Es10(H("BF2D00"), 0, 255, /*extended_le=*/true);
  EXPECT_EQ(listed.sw, 0x9000);
  // ...SetNickname (BF29) in extended form is refused, not executed; in short form it works.
  const Bytes nickname = H("BF29115A0A989910000100001010F89003414243");
  EXPECT_EQ(Es10(nickname, 0, 255, /*extended_le=*/true).sw, 0x6700);
  EXPECT_EQ(ReadJson(state_path_)["profiles"][0].value("nickname", ""), "Work phone");
  EXPECT_EQ(Es10(nickname).sw, 0x9000);
  EXPECT_EQ(ReadJson(state_path_)["profiles"][0].value("nickname", ""), "ABC");
}

// ---- OpenVirtualReader -----------------------------------------------------------------------

TEST(VirtualReaderExtendedTest, SupportsExtendedLengthFollowsTheAtr) {
  TempDir dir;
  std::filesystem::copy_file(DefaultStatePath(), dir.File("card.json"));
  VirtualEuicc::Options plain;
  plain.persist = false;
  VirtualEuicc::Options extended = ExtendedCard();
  extended.persist = false;
  VirtualEuicc::Options lying = LyingCard();
  lying.persist = false;
  EXPECT_FALSE((*OpenVirtualReader(dir.File("card.json"), plain))->SupportsExtendedLength());
  EXPECT_TRUE((*OpenVirtualReader(dir.File("card.json"), extended))->SupportsExtendedLength());
  // The lying card announces it: only the 6700 tells.
  EXPECT_TRUE((*OpenVirtualReader(dir.File("card.json"), lying))->SupportsExtendedLength());
}

// ---- CardSession: deciding, and falling back ---------------------------------------------------

class SessionExtendedTest : public ::testing::Test {
 protected:
  std::unique_ptr<CardSession> Open(VirtualEuicc::Options card, SessionOptions options = {},
                                    const std::string& state = kFiveProfiles) {
    if (!std::filesystem::exists(dir_.File("card.json"))) {
      std::filesystem::copy_file(state, dir_.File("card.json"));
    }
    auto reader = OpenVirtualReader(dir_.File("card.json"), card);
    EXPECT_TRUE(reader.ok()) << reader.status().message();
    options.apdu_log = &log_;
    auto session = CardSession::OnReader(std::move(*reader), options);
    EXPECT_TRUE(session.ok()) << session.status().message();
    return session.ok() ? std::move(*session) : nullptr;
  }

  TempDir dir_;
  std::ostringstream log_;
};

TEST_F(SessionExtendedTest, AutoUsesExtendedLengthWhenTheCardOffersIt) {
  auto session = Open(ExtendedCard());
  ASSERT_TRUE(session);
  EXPECT_TRUE(session->extended_length_in_use());
  auto profiles = ListProfiles(*session, {});
  ASSERT_TRUE(profiles.ok()) << profiles.status().message();
  EXPECT_EQ(profiles->size(), 5u);
  EXPECT_EQ(session->exchanges(), 2u);  // SELECT, one extended STORE DATA: no GET RESPONSE
  EXPECT_FALSE(session->fell_back_to_short());
}

TEST_F(SessionExtendedTest, AutoStaysShortOnTheDefaultCard) {
  auto session = Open({});
  ASSERT_TRUE(session);
  EXPECT_FALSE(session->extended_length_in_use());
  ASSERT_TRUE(ListProfiles(*session, {}).ok());
  EXPECT_EQ(session->exchanges(), 3u);  // SELECT, STORE DATA, one GET RESPONSE
}

TEST_F(SessionExtendedTest, ShortNeverUsesExtendedLength) {
  SessionOptions options;
  options.apdu_length = ApduLength::kShort;
  auto session = Open(ExtendedCard(), options);
  ASSERT_TRUE(session);
  EXPECT_FALSE(session->extended_length_in_use());
  ASSERT_TRUE(ListProfiles(*session, {}).ok());
  EXPECT_EQ(session->exchanges(), 3u);
}

TEST_F(SessionExtendedTest, ExtendedIsForcedOnACardThatDoesNotSaySo) {
  SessionOptions options;
  options.apdu_length = ApduLength::kExtended;
  auto session = Open({}, options);  // T=0 ATR, but the card accepts extended APDUs
  ASSERT_TRUE(session);
  EXPECT_TRUE(session->extended_length_in_use());
  ASSERT_TRUE(ListProfiles(*session, {}).ok());
  EXPECT_EQ(session->exchanges(), 2u);
}

TEST_F(SessionExtendedTest, RefusedExtendedLengthFallsBackAndTheListStillWorks) {
  auto session = Open(LyingCard());
  ASSERT_TRUE(session);
  EXPECT_TRUE(session->extended_length_in_use());
  auto profiles = ListProfiles(*session, {});
  ASSERT_TRUE(profiles.ok()) << profiles.status().message();
  EXPECT_EQ(profiles->size(), 5u);
  EXPECT_TRUE(session->fell_back_to_short());
  EXPECT_FALSE(session->extended_length_in_use());
  // SELECT, the refused extended STORE DATA, the short one, one GET RESPONSE.
  EXPECT_EQ(session->exchanges(), 4u);
  // The -v log says so, once, right after the refusal.
  const std::string log = log_.str();
  EXPECT_NE(log.find("< 6700"), std::string::npos) << log;
  EXPECT_NE(log.find("# the card refused an extended-length APDU"), std::string::npos) << log;
  // Latched: the next command goes short at once.
  ASSERT_TRUE(ListProfiles(*session, {}).ok());
  EXPECT_EQ(session->exchanges(), 6u);
}

TEST_F(SessionExtendedTest, StateChangeThroughTheFallbackIsExecutedOnce) {
  auto session = Open(LyingCard(), {}, DefaultStatePath());
  ASSERT_TRUE(session);
  auto report = ChangeProfileState(*session, StateChange::kDisable, kEnabled, false);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_TRUE(session->fell_back_to_short());
  // Disabled once: one new notification (seq 10) next to the three of the default card; a
  // second execution would have failed (profile not enabled) or queued a second one.
  nlohmann::json state = ReadJson(dir_.File("card.json"));
  EXPECT_EQ(state["profiles"][0]["state"], "disabled");
  ASSERT_EQ(state["notifications"].size(), 4u);
  EXPECT_EQ(state["notifications"][3]["seqNumber"], 10);
  EXPECT_EQ(state["notifications"][3]["event"], "disable");
}

TEST_F(SessionExtendedTest, DefaultBlockSizeIsAWholeRequestOnlyWithExtendedLength) {
  // A nickname of 64 four-byte characters (the most SGP.22 allows): a request of ~280 bytes,
  // one extended block or two short ones.
  std::string nickname;
  for (int i = 0; i < 64; ++i) nickname += "\xF0\x9F\x98\x80";
  const Es10Client::ChangeRequest request = es10::SetNicknameRequest{kEnabled, nickname};
  auto extended = Open(ExtendedCard());
  ASSERT_TRUE(extended);
  auto plan = extended->es10().PlanCommand(request);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_GT((*plan)[0].size(), 255u + 9u);
  EXPECT_EQ((*plan)[0][4], 0x00);  // extended Lc
  SessionOptions options;
  options.apdu_length = ApduLength::kShort;
  plan = Open(ExtendedCard(), options)->es10().PlanCommand(request);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->size(), 2u);
  // A user block size over 255 is cut to 255 with short APDUs rather than refused...
  options.block_size = 1000;
  plan = Open(ExtendedCard(), options)->es10().PlanCommand(request);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->size(), 2u);
  // ...and a user's small block size is kept with extended length (each block extended: Le 0000).
  options.apdu_length = ApduLength::kAuto;
  options.block_size = 100;
  plan = Open(ExtendedCard(), options)->es10().PlanCommand(request);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->size(), 3u);
  EXPECT_EQ((*plan)[0][4], 0x00);
}

}  // namespace
}  // namespace esim::vcard::testing
