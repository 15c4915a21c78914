// Es11Https (src/safety/es11_https.h) against the real test SM-DP+ playing the SM-DS over TLS:
// SGP.22's /gsma/rsp2/es11/ path first, the ES9+ paths after a 404 (and only after a 404), with
// the address member each path names.
#include "src/safety/es11_https.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "delivery_test_util.h"

namespace esim {
namespace {

using namespace std::chrono_literals;
using delivery_test::kPki;
using delivery_test::Smdp;

const std::string kSmds = "testsmdpplus2.example.com";  // on the SGP.26 TLS certificate

class Es11HttpsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) ::unsetenv(name);
    std::string missing = delivery_test::MissingPrerequisite();
    ASSERT_TRUE(missing.empty()) << missing;
    std::string command = "bash " + std::string(ESIM_SOURCE_DIR) + "/tests/smdp/make-dsauth-cert.sh " + kPki +
                          "CERT_CI_ECDSA_NIST.pem " + kPki + "SK_CI_ECDSA_NIST.pem " + (dir_.path() / "ds").string();
    ASSERT_EQ(std::system(command.c_str()), 0);
    std::ofstream(dir_.path() / "events.json") << "{}";
  }

  // test-smdp playing the SM-DS at kSmds (--smds-paths `paths`; none when `paths` is empty),
  // with `extra` options.
  std::unique_ptr<Smdp> Start(const std::string& paths, std::vector<std::string> extra = {}) {
    extra.insert(extra.end(), {"--pki-dir", kPki});
    if (!paths.empty()) {
      extra.insert(extra.end(), {"--smds-pki-dir", (dir_.path() / "ds").string(), "--smds-address", kSmds,
                                 "--smds-events", (dir_.path() / "events.json").string(), "--smds-paths", paths});
    }
    auto smdp = Smdp::Start(dir_.path(), extra);
    EXPECT_TRUE(smdp.ok()) << smdp.status().message();
    return smdp.ok() ? std::move(*smdp) : nullptr;
  }

  Result<es9p::InitiateAuthenticationAnswer> Initiate(const Smdp& smdp, es11::Path& path) {
    DeliveryOptions options;
    options.ca_files = {kPki + "CERT_CI_ECDSA_NIST.pem"};
    options.connect_to = {smdp.ConnectTo(kSmds)};
    options.connect_timeout = 2000ms;
    options.total_timeout = 4000ms;
    auto client = HandleNotificationClient::Create(options);
    EXPECT_TRUE(client.ok());
    if (!client.ok()) return client.status();
    Es11Https server(**client, kSmds);
    Bytes id{0x04, 0x14, 0xF5, 0x41, 0x72, 0xBD, 0xF9, 0x8A, 0x95, 0xD6, 0x5C, 0xBE, 0xB8,
             0x8A, 0x38, 0xA1, 0xC1, 0x1D, 0x80, 0x0A, 0x85, 0xC3};  // the SGP.26 CI's key id
    Bytes info1{0xBF, 0x20, 0x35, 0x82, 0x03, 0x02, 0x02, 0x00, 0xA9, 0x16};
    info1.insert(info1.end(), id.begin(), id.end());
    info1.insert(info1.end(), {0xAA, 0x16});
    info1.insert(info1.end(), id.begin(), id.end());
    auto answer = server.InitiateAuthentication(Bytes(16, 0x42), info1, kSmds);
    path = server.path();
    return answer;
  }

  std::vector<std::string> Paths(const Smdp& smdp, size_t count) {
    std::vector<std::string> out;
    for (const auto& line : smdp.WaitForLog(count))
      if (line.contains("path") && line["path"].is_string())
        out.push_back(line["path"].get<std::string>() + " " + std::to_string(line.value("status", 0)));
    return out;
  }

  delivery_test::TempDir dir_;
};

TEST_F(Es11HttpsTest, TheEs11PathWhenTheSmdsServesIt) {
  auto smdp = Start("both");
  ASSERT_TRUE(smdp);
  es11::Path path = es11::Path::kEs9Plus;
  auto answer = Initiate(*smdp, path);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(path, es11::Path::kEs11);
  EXPECT_FALSE(answer->serverCertificate.empty());
  EXPECT_EQ(Paths(*smdp, 1), (std::vector<std::string>{"/gsma/rsp2/es11/initiateAuthentication 200"}));
}

TEST_F(Es11HttpsTest, TheEs9PlusPathsAfterA404) {
  auto smdp = Start("es9plus");
  ASSERT_TRUE(smdp);
  es11::Path path = es11::Path::kEs11;
  auto answer = Initiate(*smdp, path);
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(path, es11::Path::kEs9Plus);
  EXPECT_EQ(Paths(*smdp, 2), (std::vector<std::string>{"/gsma/rsp2/es11/initiateAuthentication 404",
                                                       "/gsma/rsp2/es9plus/initiateAuthentication 200"}));
}

TEST_F(Es11HttpsTest, NoSecondTryAfterAnythingButA404) {
  auto smdp = Start("both", {"--fail", "500"});
  ASSERT_TRUE(smdp);
  es11::Path path = es11::Path::kEs9Plus;
  auto answer = Initiate(*smdp, path);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), ErrorCode::kServerRefused);
  EXPECT_NE(answer.status().message().find("the SM-DS answered HTTP 500 to https://" + kSmds +
                                           "/gsma/rsp2/es11/initiateAuthentication"),
            std::string::npos)
      << answer.status().message();
  EXPECT_EQ(path, es11::Path::kEs11);
  EXPECT_EQ(Paths(*smdp, 1), (std::vector<std::string>{"/gsma/rsp2/es11/initiateAuthentication 500"}));
}

TEST_F(Es11HttpsTest, AFailureAfterTheFallbackIsFinal) {
  auto smdp = Start("");  // no SM-DS here: 404 on es11, then this SM-DP+ refuses the address
  ASSERT_TRUE(smdp);
  es11::Path path = es11::Path::kEs11;
  auto answer = Initiate(*smdp, path);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), ErrorCode::kServerRefused);
  EXPECT_NE(answer.status().message().find("the SM-DS answered Failed (subject 8.8.1, reason 3.8)"), std::string::npos)
      << answer.status().message();
  EXPECT_EQ(Paths(*smdp, 2), (std::vector<std::string>{"/gsma/rsp2/es11/initiateAuthentication 404",
                                                       "/gsma/rsp2/es9plus/initiateAuthentication 200"}));
}

}  // namespace
}  // namespace esim
