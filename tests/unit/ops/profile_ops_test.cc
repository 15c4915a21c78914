// The profile operations against the in-process virtual eUICC: result codes become the
// documented errors with useful messages, and a dropped answer is verified by listing.
#include "src/ops/profile_ops.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "src/ops/profile_list.h"
#include "vcard/virtual_reader.h"

namespace esim {
namespace {

const std::string kDefaultState = std::string(ESIM_SOURCE_DIR) + "/vcard/default-state.json";
const es10::Iccid kEnabled = "8999010010000001018";   // Northwind, enabled
const es10::Iccid kDisabled = "8999020020000002021";  // Contoso, disabled

class ProfileOpsTest : public ::testing::Test {
 protected:
  std::unique_ptr<CardSession> Open(vcard::VirtualEuicc::Options card = {}) {
    card.persist = false;
    auto reader = vcard::OpenVirtualReader(kDefaultState, card);
    EXPECT_TRUE(reader.ok()) << reader.status().message();
    auto session = CardSession::OnReader(std::move(*reader), {});
    EXPECT_TRUE(session.ok()) << session.status().message();
    return std::move(*session);
  }

  static std::optional<es10::ProfileState> StateOf(CardSession& session, const es10::Iccid& iccid) {
    auto profiles = ListProfiles(session, {});
    EXPECT_TRUE(profiles.ok());
    for (const auto& p : *profiles) {
      if (p.iccid == iccid) return p.profileState;
    }
    return std::nullopt;
  }
};

TEST_F(ProfileOpsTest, DeletingTheEnabledProfileSaysToDisableItFirst) {
  auto session = Open();
  auto result = ChangeProfileState(*session, StateChange::kDelete, kEnabled, false);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kWrongProfileState);
  EXPECT_NE(result.status().message().find("Northwind Unlimited"), std::string::npos);
  EXPECT_NE(result.status().message().find("esimctl profile disable " + kEnabled), std::string::npos);
  EXPECT_EQ(StateOf(*session, kEnabled), es10::ProfileState::kEnabled);
}

TEST_F(ProfileOpsTest, UnknownProfileIsNotFound) {
  auto session = Open();
  auto result = ChangeProfileState(*session, StateChange::kDisable, es10::Iccid("8999999999999999999"), false);
  EXPECT_EQ(result.status().code(), ErrorCode::kProfileNotFound);
}

TEST_F(ProfileOpsTest, EnableSwitchesTheEnabledProfileInOneExchange) {
  auto session = Open();
  uint64_t before = session->exchanges();
  auto result = ChangeProfileState(*session, StateChange::kEnable, kDisabled, false);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(session->exchanges() - before, 1u);
  EXPECT_FALSE(result->verified_by_listing);
  EXPECT_EQ(StateOf(*session, kDisabled), es10::ProfileState::kEnabled);
  EXPECT_EQ(StateOf(*session, kEnabled), es10::ProfileState::kDisabled);
}

TEST_F(ProfileOpsTest, DroppedAnswerAfterEnableIsVerifiedByListing) {
  vcard::VirtualEuicc::Options card;
  card.drop_response_after_enable = true;
  auto session = Open(card);
  auto result = ChangeProfileState(*session, StateChange::kEnable, kDisabled, false);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_TRUE(result->verified_by_listing);
  EXPECT_EQ(StateOf(*session, kDisabled), es10::ProfileState::kEnabled);
}

TEST_F(ProfileOpsTest, RefreshAnswer91xxIsVerifiedByListing) {
  auto session = Open();
  auto result = ChangeProfileState(*session, StateChange::kDisable, kEnabled, /*refresh=*/true);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->status_word & 0xFF00, 0x9100);
  EXPECT_TRUE(result->verified_by_listing);
  EXPECT_EQ(StateOf(*session, kEnabled), es10::ProfileState::kDisabled);
}

TEST_F(ProfileOpsTest, DeleteOfADisabledProfileRemovesIt) {
  auto session = Open();
  ASSERT_TRUE(ChangeProfileState(*session, StateChange::kDelete, kDisabled, false).ok());
  EXPECT_EQ(StateOf(*session, kDisabled), std::nullopt);
}

TEST_F(ProfileOpsTest, NicknameOfUnknownIccidIsNotFound) {
  auto session = Open();
  EXPECT_EQ(SetProfileNickname(*session, "8999999999999999999", "x").code(), ErrorCode::kProfileNotFound);
  EXPECT_TRUE(SetProfileNickname(*session, kDisabled, "Travel").ok());
}

}  // namespace
}  // namespace esim
