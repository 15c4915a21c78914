// Es9PlusHttps (src/safety/es9p_https.h) against the real test SM-DP+ over TLS: the download
// functions go to their ES9+ paths with the notification client's headers, an HTTP error status
// is server_refused (51), a certificate under no trusted CA/CI is server_not_trusted (58) and no
// answer (connection refused) is server_unreachable (50).
#include "src/safety/es9p_https.h"

#include <gtest/gtest.h>

#include "tests/unit/safety/delivery_test_util.h"

namespace esim {
namespace {

using delivery_test::kHost;
using delivery_test::kPki;
using delivery_test::Smdp;

class Es9pHttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) ::unsetenv(name);
    std::string missing = delivery_test::MissingPrerequisite();
    ASSERT_TRUE(missing.empty()) << missing;
  }

  // The client for `smdp` and the result of initiateAuthentication through it.
  Result<es9p::InitiateAuthenticationAnswer> Initiate(const std::string& connect_to) {
    DeliveryOptions options;
    options.ca_files = {kPki + "CERT_CI_ECDSA_NIST.pem"};
    options.connect_to = {connect_to};
    options.connect_timeout = std::chrono::milliseconds(2000);
    options.total_timeout = std::chrono::milliseconds(4000);
    options.user_agent = "esimctl-test/1";
    auto client = HandleNotificationClient::Create(options);
    EXPECT_TRUE(client.ok()) << client.status().message();
    if (!client.ok()) return client.status();
    Es9PlusHttps server(**client, kHost);
    return server.InitiateAuthentication(Bytes(16, 1), Bytes{0xBF, 0x20, 0x00}, kHost);
  }

  delivery_test::TempDir dir_;
};

// A test SM-DP+ without the download functions (or without --pki-dir) answers them with an
// HTTP error status.
TEST_F(Es9pHttpsTest, AnHttpErrorIsServerRefusedAndTheRequestCarriesTheEs9Headers) {
  auto smdp = Smdp::Start(dir_.path(), {});
  ASSERT_TRUE(smdp.ok()) << smdp.status().message();
  auto answer = Initiate((*smdp)->ConnectTo());
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), ErrorCode::kServerRefused) << answer.status().message();
  EXPECT_NE(answer.status().message().find("the SM-DP+ answered HTTP "), std::string::npos)
      << answer.status().message();
  auto log = (*smdp)->WaitForLog(1);
  ASSERT_GE(log.size(), 1u);
  EXPECT_EQ(log[0]["path"], "/gsma/rsp2/es9plus/initiateAuthentication");
  EXPECT_EQ(log[0]["x-admin-protocol"], "gsma/rsp/v2.2.0");
}

TEST_F(Es9pHttpsTest, UntrustedCertificateIsNotTrustedAndNoAnswerIsServerUnreachable) {
  auto smdp = Smdp::Start(dir_.path(), {"--fail", "wrong-cert"});
  ASSERT_TRUE(smdp.ok()) << smdp.status().message();
  // A certificate under no CA or CI esimctl trusts: refused as not trusted (58), saying why.
  auto tls = Initiate((*smdp)->ConnectTo());
  ASSERT_FALSE(tls.ok());
  EXPECT_EQ(tls.status().code(), ErrorCode::kServerNotTrusted) << tls.status().message();
  EXPECT_NE(tls.status().message().find("not under any CA or GSMA CI esimctl trusts"), std::string::npos)
      << tls.status().message();
  // Nothing listens on port 1.
  auto refused = Initiate(kHost + ":443:127.0.0.1:1");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kServerUnreachable) << refused.status().message();
  EXPECT_NE(refused.status().message().find("connection refused"), std::string::npos) << refused.status().message();
}

}  // namespace
}  // namespace esim
