// CardSession and Es10Client over scripted and virtual cards: ISD-R discovery, its lazy
// confirmation, and the APDU counts the operations promise.
#include "src/session/card_session.h"

#include <gtest/gtest.h>

#include "src/ops/chip_info.h"
#include "src/ops/profile_list.h"
#include "tests/unit/apdu/scripted_reader.h"
#include "vcard/virtual_reader.h"

namespace esim {
namespace {

const std::string kDefaultState = std::string(ESIM_SOURCE_DIR) + "/vcard/default-state.json";
const std::string kFiveProfiles = std::string(ESIM_SOURCE_DIR) + "/tests/data/five-profiles.json";

std::unique_ptr<CardSession> OpenVirtual(const std::string& state, vcard::VirtualEuicc::Options card,
                                         SessionOptions options = {}) {
  card.persist = false;
  auto reader = vcard::OpenVirtualReader(state, card);
  EXPECT_TRUE(reader.ok()) << reader.status().message();
  auto session = CardSession::OnReader(std::move(*reader), options);
  EXPECT_TRUE(session.ok()) << session.status().message();
  return session.ok() ? std::move(*session) : nullptr;
}

TEST(CardSessionTest, ProfileListOfFiveTakesThreeExchangesOnTheBasicChannel) {
  auto session = OpenVirtual(kFiveProfiles, {});
  ASSERT_TRUE(session);
  auto profiles = ListProfiles(*session, {});
  ASSERT_TRUE(profiles.ok()) << profiles.status().message();
  EXPECT_EQ(profiles->size(), 5u);
  EXPECT_EQ(session->exchanges(), 3u);  // SELECT, STORE DATA, one GET RESPONSE
}

TEST(CardSessionTest, ProfileListOnALogicalChannelTakesAtMostFiveExchanges) {
  SessionOptions options;
  options.shared = true;
  auto session = OpenVirtual(kFiveProfiles, {}, options);
  ASSERT_TRUE(session);
  ASSERT_TRUE(ListProfiles(*session, {}).ok());
  // Open, SELECT, STORE DATA, GET RESPONSE so far; the destructor adds the close.
  EXPECT_EQ(session->exchanges(), 4u);
}

TEST(CardSessionTest, NonStandardIsdrAidIsFoundThroughTheKnownList) {
  vcard::VirtualEuicc::Options card;
  card.isdr_aid = FromHex("A0000005591010FFFFFFFF8900050500").value();  // 5ber
  auto session = OpenVirtual(kDefaultState, card);
  ASSERT_TRUE(session);
  auto info = ReadChipInfo(*session);
  ASSERT_TRUE(info.ok()) << info.status().message();
  EXPECT_EQ(info->eid, "89049032000000000000000012345644");
}

TEST(CardSessionTest, PlainSmartCardIsNotAnEuicc) {
  vcard::VirtualEuicc::Options card;
  card.not_euicc = true;
  card.persist = false;
  auto reader = vcard::OpenVirtualReader(kDefaultState, card);
  ASSERT_TRUE(reader.ok());
  auto session = CardSession::OnReader(std::move(*reader), {});
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), ErrorCode::kNotEuicc);
  EXPECT_NE(session.status().message().find("A0000005591010FFFFFFFF8900000100"), std::string::npos);
}

// An application that answers SELECT but not ES10 is skipped: the next AID is tried and the
// request is sent again there. Confirmation costs no extra exchange on a real ISD-R.
TEST(CardSessionTest, SelectableNonIsdrIsSkippedOnItsFirstAnswer) {
  auto reader = std::make_unique<testing::ScriptedReader>();
  reader->Expect("00A4040010A0000005591010FFFFFFFF890000010000", "9000")  // selects, but ...
      .Expect("80E2910006BF3E035C015A00", "6D00")                        // ... no ES10 there
      .Expect("00A4040010A0000005591010FFFFFFFF890005050000", "9000")    // 5ber AID
      .Expect("80E2910006BF3E035C015A00",
              "BF3E125A1089049032000000000000000012345644" "9000");
  SessionOptions options;
  auto session = CardSession::OnReader(std::move(reader), options);
  ASSERT_TRUE(session.ok()) << session.status().message();
  auto eid = (*session)->es10().GetEid();
  ASSERT_TRUE(eid.ok()) << eid.status().message();
  EXPECT_EQ(*eid, "89049032000000000000000012345644");
}

// A status word from an application that understood STORE DATA is the card's answer, not a
// sign of the wrong application: it is reported, and the command is not sent anywhere else.
TEST(CardSessionTest, ErrorStatusFromTheIsdrIsReportedWithoutTryingOtherAids) {
  auto reader = std::make_unique<testing::ScriptedReader>();
  reader->Expect("00A4040010A0000005591010FFFFFFFF890000010000", "9000")
      .Expect("80E2910006BF3E035C015A00", "6A88");
  auto session = CardSession::OnReader(std::move(reader), {});
  ASSERT_TRUE(session.ok()) << session.status().message();
  auto eid = (*session)->es10().GetEid();
  ASSERT_FALSE(eid.ok());
  EXPECT_EQ(eid.status().code(), ErrorCode::kCardStatus);
  EXPECT_NE(eid.status().message().find("6A88"), std::string::npos);
}

// A card that dropped an answer and never came back: Reestablish fails, and the session stays
// usable as an object: every later command reports the card gone instead of crashing (the
// download lists the profiles and the journal looks for notifications after a failed load).
TEST(CardSessionTest, FailedReestablishLeavesCommandsFailingWithCardRemoved) {
  auto reader = std::make_unique<testing::ScriptedReader>();
  reader->Expect("00A4040010A0000005591010FFFFFFFF890000010000", "9000");
  reader->set_reconnect_failure(Status(ErrorCode::kNoCard, "the reader holds no card"));
  testing::ScriptedReader* script = reader.get();
  auto session = CardSession::OnReader(std::move(reader), {});
  ASSERT_TRUE(session.ok()) << session.status().message();
  Status back = (*session)->Reestablish(0);
  EXPECT_EQ(back.code(), ErrorCode::kNoCard);
  EXPECT_GE(script->reconnects(), 1);
  auto eid = (*session)->es10().GetEid();
  ASSERT_FALSE(eid.ok());
  EXPECT_EQ(eid.status().code(), ErrorCode::kCardRemoved);
  EXPECT_EQ(script->transmits(), 1u);  // nothing sent after the SELECT: the channel is gone
}

TEST(CardSessionTest, WrongAidGivesNotEuiccNamingTheAid) {
  vcard::VirtualEuicc::Options card;
  card.persist = false;
  auto reader = vcard::OpenVirtualReader(kDefaultState, card);
  ASSERT_TRUE(reader.ok());
  SessionOptions options;
  options.aid = FromHex("A0000005591010FFFFFFFF8900000199").value();
  auto session = CardSession::OnReader(std::move(*reader), options);
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), ErrorCode::kNotEuicc);
  EXPECT_NE(session.status().message().find("A0000005591010FFFFFFFF8900000199"), std::string::npos);
}

}  // namespace
}  // namespace esim
