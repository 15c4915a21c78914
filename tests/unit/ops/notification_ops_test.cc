// ListNotifications, RetrieveNotification and RemoveNotification on the in-process virtual
// eUICC: results, errors and the number of APDU exchanges each costs.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "src/ops/notifications.h"
#include "vcard/virtual_reader.h"

namespace esim {
namespace {

const std::string kDefaultState = std::string(ESIM_SOURCE_DIR) + "/vcard/default-state.json";

class NotificationOpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("esim-notif-ops-" + std::to_string(reinterpret_cast<uintptr_t>(this)) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // A session on the default card (or `state` written to the temp dir); nothing is persisted
  // and the generated test PKI goes to the temp dir, never next to the repository's file.
  std::unique_ptr<CardSession> Open(const nlohmann::json* state = nullptr) {
    std::string path = kDefaultState;
    if (state) {
      path = (dir_ / "state.json").string();
      std::ofstream(path) << state->dump();
    }
    vcard::VirtualEuicc::Options card;
    card.persist = false;
    card.pki_dir = (dir_ / "pki").string();
    auto reader = vcard::OpenVirtualReader(path, card);
    EXPECT_TRUE(reader.ok()) << reader.status().message();
    if (!reader.ok()) return nullptr;
    auto session = CardSession::OnReader(std::move(*reader), {});
    EXPECT_TRUE(session.ok()) << session.status().message();
    return session.ok() ? std::move(*session) : nullptr;
  }

  std::filesystem::path dir_;
};

TEST_F(NotificationOpsTest, ListIsOneRequest) {
  auto session = Open();
  ASSERT_TRUE(session);
  auto listing = ListNotifications(*session, /*with_names=*/false);
  ASSERT_TRUE(listing.ok()) << listing.status().message();
  ASSERT_EQ(listing->size(), 3u);
  EXPECT_EQ((*listing)[1].metadata.notificationAddress, "smdp.northwind.example");
  EXPECT_FALSE((*listing)[1].profile_name);
  EXPECT_EQ(session->es10().requests_sent(), 1u);
}

TEST_F(NotificationOpsTest, ListWithNamesShowsProfileNamesInTwoRequests) {
  auto session = Open();
  ASSERT_TRUE(session);
  auto listing = ListNotifications(*session, /*with_names=*/true);
  ASSERT_TRUE(listing.ok()) << listing.status().message();
  ASSERT_EQ(listing->size(), 3u);
  EXPECT_EQ((*listing)[0].metadata.seqNumber, 7);
  EXPECT_TRUE((*listing)[0].metadata.profileManagementOperation.install);
  EXPECT_EQ((*listing)[1].metadata.notificationAddress, "smdp.northwind.example");
  EXPECT_EQ((*listing)[1].profile_name, "Northwind Unlimited");
  EXPECT_EQ((*listing)[2].metadata.iccid, "8999020020000002021");
  EXPECT_EQ((*listing)[2].profile_name, "Contoso Travel 5GB");
  EXPECT_EQ(session->es10().requests_sent(), 2u);  // ListNotification + GetProfilesInfo
}

TEST_F(NotificationOpsTest, EmptyListCostsOneRequest) {
  nlohmann::json state = nlohmann::json::parse(std::ifstream(kDefaultState));
  state.erase("notifications");
  auto session = Open(&state);
  ASSERT_TRUE(session);
  auto listing = ListNotifications(*session, /*with_names=*/true);
  ASSERT_TRUE(listing.ok()) << listing.status().message();
  EXPECT_TRUE(listing->empty());
  EXPECT_EQ(session->es10().requests_sent(), 1u);
}

TEST_F(NotificationOpsTest, RetrieveReturnsTheSignedNotificationWithItsDer) {
  auto session = Open();
  ASSERT_TRUE(session);
  auto n = RetrieveNotification(*session, 9);
  ASSERT_TRUE(n.ok()) << n.status().message();
  EXPECT_EQ(n->metadata().seqNumber, 9);
  ASSERT_FALSE(n->der.empty());
  EXPECT_EQ(n->der[0], 0x30);  // OtherSignedNotification
  const auto& other = std::get<es10::OtherSignedNotification>(n->value);
  EXPECT_EQ(other.euiccNotificationSignature.size(), 64u);
  auto names = ReadCertificateNames(other.euiccCertificate);
  ASSERT_TRUE(names.ok()) << names.status().message();
  EXPECT_FALSE(names->subject.empty());
  EXPECT_FALSE(names->issuer.empty());
  EXPECT_EQ(session->es10().requests_sent(), 1u);
}

TEST_F(NotificationOpsTest, RetrieveOfUnknownSeqNumberIsNothingToDelete) {
  auto session = Open();
  ASSERT_TRUE(session);
  auto n = RetrieveNotification(*session, 42);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.status().code(), ErrorCode::kNothingToDelete);
  EXPECT_NE(n.status().message().find("no pending notification with seqNumber 42"), std::string::npos);
}

TEST_F(NotificationOpsTest, RemoveTakesOneAndASecondRemoveFindsNothing) {
  auto session = Open();
  ASSERT_TRUE(session);
  ASSERT_TRUE(RemoveNotification(*session, 8).ok());
  Status again = RemoveNotification(*session, 8);
  EXPECT_EQ(again.code(), ErrorCode::kNothingToDelete);
  EXPECT_NE(again.message().find("notification 8"), std::string::npos);
  auto listing = ListNotifications(*session, /*with_names=*/true);
  ASSERT_TRUE(listing.ok());
  ASSERT_EQ(listing->size(), 2u);
  EXPECT_EQ((*listing)[0].metadata.seqNumber, 7);
  EXPECT_EQ((*listing)[1].metadata.seqNumber, 9);
}

TEST(NotificationCertificateTest, GarbageIsMalformed) {
  EXPECT_EQ(ReadCertificateNames(Bytes{0x30, 0x03, 0x02, 0x01, 0x00}).status().code(),
            ErrorCode::kMalformedResponse);
}

}  // namespace
}  // namespace esim
