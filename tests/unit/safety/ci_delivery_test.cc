// HandleNotificationClient's GSMA CI trust against the real test SM-DP+ (whose TLS certificate is
// issued by the SGP.26 test CI f54172bd..., shipped in data/ci/test), without --ca-file: the card's
// list set (SetCardCis) or read on demand (SetCardCiSource: once, only after a refusal), the
// --trust-test-ci option, and the reason a refusal gives. The CIs come from the build tree's
// share/esimctl/ci (the binary's ../share/esimctl/ci), or ESIMCTL_CI_DIR when set.
#include <filesystem>
#include <fstream>
#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "delivery_test_util.h"
#include "src/safety/handle_notification_client.h"

namespace esim {
namespace {

using namespace std::chrono_literals;
using delivery_test::kHost;
using delivery_test::Smdp;

const std::string kSgp26Ci = "f54172bdf98a95d65cbeb88a38a1c11d800a85c3";
const std::string kOtherCi = "34eecf13156518d48d30bdf06853404d115f955d";

class CiDeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) ::unsetenv(name);
    // The source tree's data, plus the SGP.26 test PKI's re-issue of the f541 key as "Test CI"
    // (the issuer name of CERT_DP_TLS), read from ../shared: never copied into the project.
    const std::filesystem::path ci = std::filesystem::path(dir_.path()) / "ci";
    std::filesystem::copy(std::string(ESIM_SOURCE_DIR) + "/data/ci", ci, std::filesystem::copy_options::recursive);
    {
      std::ifstream reissue(std::string(ESIM_SHARED_DIR) + "/sgp26/CERT_CI_ECDSA_NIST.pem");
      ASSERT_TRUE(reissue) << "missing ../shared/sgp26/CERT_CI_ECDSA_NIST.pem";
      std::ofstream(ci / "test" / (kSgp26Ci + ".pem"), std::ios::app) << reissue.rdbuf();
    }
    ::setenv("ESIMCTL_CI_DIR", ci.c_str(), 1);
    std::string missing = delivery_test::MissingPrerequisite();
    ASSERT_TRUE(missing.empty()) << missing;
    auto der = delivery_test::SignedNotification();
    ASSERT_TRUE(der.ok()) << der.status().message();
    der_ = *der;
    auto smdp = Smdp::Start(dir_.path(), {});
    ASSERT_TRUE(smdp.ok()) << smdp.status().message();
    smdp_ = std::move(*smdp);
  }
  void TearDown() override { ::unsetenv("ESIMCTL_CI_DIR"); }

  // No ca_files: only the system store and the GSMA CIs.
  std::unique_ptr<HandleNotificationClient> Client(bool trust_test) {
    DeliveryOptions options;
    options.connect_to = {smdp_->ConnectTo()};
    options.connect_timeout = 2000ms;
    options.total_timeout = 4000ms;
    options.max_attempts = 3;
    options.first_backoff = 10ms;
    options.trust_test_ci = trust_test;
    auto client = HandleNotificationClient::Create(options);
    EXPECT_TRUE(client.ok()) << client.status().message();
    return client.ok() ? std::move(*client) : nullptr;
  }

  delivery_test::TempDir dir_;
  std::unique_ptr<Smdp> smdp_;
  Bytes der_;
};

TEST_F(CiDeliveryTest, ListedTestCiWithTheOptionIsTrusted) {
  auto client = Client(true);
  ASSERT_TRUE(client);
  client->SetCardCis(CardCiList{true, {kSgp26Ci}});
  DeliveryAttempt a = client->PostOnce(kHost, der_);
  ASSERT_TRUE(a.http_status) << a.transport_error.value_or("");
  EXPECT_EQ(*a.http_status, 204);
}

TEST_F(CiDeliveryTest, ListedTestCiWithoutTheOptionIsRefusedWithTheReasonAndNotRetried) {
  auto client = Client(false);
  ASSERT_TRUE(client);
  client->SetCardCis(CardCiList{true, {kSgp26Ci}});
  auto outcome = client->Deliver(kHost, der_, nullptr);
  ASSERT_TRUE(outcome.ok());
  EXPECT_FALSE(outcome->accepted);
  EXPECT_EQ(outcome->attempts.size(), 1u) << "a refused chain is not retried";
  EXPECT_NE(outcome->reason.find("TLS: server not trusted: its certificate is issued under the test CI 'GSMA Test CI' (" +
                                 kSgp26Ci + "), which esimctl trusts only with --trust-test-ci"),
            std::string::npos)
      << outcome->reason;
}

TEST_F(CiDeliveryTest, UnlistedCiIsRefusedEvenWithTheOption) {
  auto client = Client(true);
  ASSERT_TRUE(client);
  client->SetCardCis(CardCiList{true, {kOtherCi}});
  DeliveryAttempt a = client->PostOnce(kHost, der_);
  ASSERT_TRUE(a.transport_error);
  EXPECT_NE(a.transport_error->find("which this card does not list (the card lists: " + kOtherCi + ")"),
            std::string::npos)
      << *a.transport_error;
}

TEST_F(CiDeliveryTest, Es9PlusRefusalIsServerNotTrusted) {
  auto client = Client(false);
  ASSERT_TRUE(client);
  client->SetCardCis(CardCiList{true, {kSgp26Ci}});
  auto answer = client->PostEs9Plus(kHost, "initiateAuthentication", "{}");
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), ErrorCode::kServerNotTrusted);
  EXPECT_NE(answer.status().message().find("--trust-test-ci"), std::string::npos) << answer.status().message();
}

TEST_F(CiDeliveryTest, CardListIsReadOnceAndOnlyAfterARefusal) {
  auto client = Client(true);
  ASSERT_TRUE(client);
  int reads = 0;
  client->SetCardCiSource([&reads]() -> Result<CardCiList> {
    ++reads;
    return CardCiList{true, {kSgp26Ci}};
  });
  DeliveryAttempt first = client->PostOnce(kHost, der_);
  ASSERT_TRUE(first.http_status) << first.transport_error.value_or("");
  EXPECT_EQ(*first.http_status, 204);
  EXPECT_EQ(reads, 1);
  DeliveryAttempt second = client->PostOnce(kHost, der_);
  EXPECT_EQ(reads, 1);
  ASSERT_TRUE(second.http_status) << second.transport_error.value_or("");
}

TEST_F(CiDeliveryTest, CardListIsNotReadWhenCaFilesSuffice) {
  DeliveryOptions options;
  options.ca_files = {delivery_test::kPki + "CERT_CI_ECDSA_NIST.pem"};
  options.connect_to = {smdp_->ConnectTo()};
  options.max_attempts = 1;
  auto client = HandleNotificationClient::Create(options);
  ASSERT_TRUE(client.ok()) << client.status().message();
  int reads = 0;
  (*client)->SetCardCiSource([&reads]() -> Result<CardCiList> {
    ++reads;
    return CardCiList{true, {}};
  });
  DeliveryAttempt a = (*client)->PostOnce(kHost, der_);
  ASSERT_TRUE(a.http_status) << a.transport_error.value_or("");
  EXPECT_EQ(reads, 0);
}

}  // namespace
}  // namespace esim
