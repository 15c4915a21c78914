// HandleNotificationClient without a server: which notification addresses become URLs, which
// options Create() refuses, how attempts are described, and that an invalid address costs no
// network I/O and no retry.
#include <chrono>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "src/safety/handle_notification_client.h"
#include "delivery_test_util.h"

namespace esim {
namespace {

using namespace std::chrono_literals;
using delivery_test::kPki;

constexpr char kSuffix[] = "/gsma/rsp2/es9plus/handleNotification";

TEST(UrlForTest, AcceptsHostNamesAndAnOptionalPort) {
  const std::string long_label(63, 'a');
  for (const std::string& address :
       {std::string("testsmdpplus1.example.com"), std::string("SMDP-1.Example.org"), std::string("localhost"),
        std::string("a1.b2.c3"), long_label + ".example", std::string("smdp.example.com:8443"),
        std::string("smdp.example.com:1"), std::string("smdp.example.com:65535")}) {
    auto url = HandleNotificationClient::UrlFor(address);
    ASSERT_TRUE(url.ok()) << address << ": " << url.status().message();
    EXPECT_EQ(*url, "https://" + address + kSuffix);
  }
}

TEST(UrlForTest, RejectsWhatIsNotAHostName) {
  const std::string long_label(64, 'a');
  std::string too_long;
  while (too_long.size() < 254) too_long += "abcdefghi.";
  too_long += "com";
  for (const std::string& address :
       {std::string(""), std::string("evil/../x"), std::string("a b"), std::string("user@host"),
        std::string("host.example/path"), std::string("host?x=1"), std::string("host#frag"),
        std::string("https://host.example"), std::string("-a.example"), std::string("a-.example"),
        std::string("a..example"), std::string(".example"), std::string("example."), long_label + ".example",
        too_long, std::string("127.0.0.1"), std::string("10.1.2.3:443"), std::string("[::1]"),
        std::string("::1"), std::string("host.example:"), std::string("host.example:0"),
        std::string("host.example:65536"), std::string("host.example:08"), std::string("host.example:+1"),
        std::string("host.example:1:2"), std::string("ex\xC3\xA4mple.com"), std::string("host\r\nX: y"),
        std::string("host%2eexample"), std::string("host_name.example"), std::string("host\0.ex", 8)}) {
    auto url = HandleNotificationClient::UrlFor(address);
    ASSERT_FALSE(url.ok()) << "accepted " << address << " as " << *url;
    EXPECT_EQ(url.status().code(), ErrorCode::kInvalidInput);
    EXPECT_NE(url.status().message().find("is not a host name"), std::string::npos) << url.status().message();
    // The card's text is escaped, never echoed raw into a terminal or log.
    EXPECT_EQ(url.status().message().find_first_of(std::string("\r\n\0", 3)), std::string::npos);
  }
}

TEST(UrlForTest, MessageNamesTheAddressAndTheProblem) {
  auto url = HandleNotificationClient::UrlFor("evil/../x");
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.status().message(),
            "notification address 'evil/../x' is not a host name: only letters, digits, '-' and '.' are allowed");
  url = HandleNotificationClient::UrlFor("a\nb");
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.status().message().find("'a\\x0ab'"), std::string::npos) << url.status().message();
}

TEST(CreateTest, AcceptsAPemCaFileAndWellFormedConnectTo) {
  DeliveryOptions options;
  options.ca_files = {kPki + "CERT_CI_ECDSA_NIST.pem"};
  options.connect_to = {"testsmdpplus1.example.com:443:127.0.0.1:8443", "h.example:443:[::1]:8443",
                        "h.example:8443:other.example:443"};
  options.max_attempts = 2;
  auto client = HandleNotificationClient::Create(options);
  ASSERT_TRUE(client.ok()) << client.status().message();
  EXPECT_EQ((*client)->options().ca_files, options.ca_files);
  EXPECT_EQ((*client)->options().connect_to, options.connect_to);
  EXPECT_EQ((*client)->options().max_attempts, 2);
}

TEST(CreateTest, RejectsAMissingCaFileByName) {
  DeliveryOptions options;
  options.ca_files = {kPki + "CERT_CI_ECDSA_NIST.pem", "/nonexistent/ca-bundle.pem"};
  auto client = HandleNotificationClient::Create(options);
  ASSERT_FALSE(client.ok());
  EXPECT_EQ(client.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(client.status().message().find("/nonexistent/ca-bundle.pem"), std::string::npos)
      << client.status().message();
}

TEST(CreateTest, RejectsCaFilesWithoutAPemCertificate) {
  delivery_test::TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  const std::string text = (dir.path() / "notes.pem").string();
  std::ofstream(text) << "not a certificate\n";
  const std::string empty = (dir.path() / "empty.pem").string();
  std::ofstream{empty};
  // A DER certificate and a PEM private key are real files of the PKI, but no PEM certificate.
  for (const std::string& path : {text, empty, kPki + "CERT_CI_ECDSA_NIST.der", kPki + "SK_CI_ECDSA_NIST.pem",
                                  dir.path().string()}) {
    DeliveryOptions options;
    options.ca_files = {path};
    auto client = HandleNotificationClient::Create(options);
    ASSERT_FALSE(client.ok()) << path;
    EXPECT_EQ(client.status().code(), ErrorCode::kInvalidInput);
    EXPECT_NE(client.status().message().find(path), std::string::npos) << client.status().message();
  }
}

TEST(CreateTest, RejectsMalformedConnectTo) {
  for (const std::string& entry :
       {std::string(""), std::string("testsmdpplus1.example.com:443:127.0.0.1"),
        std::string("testsmdpplus1.example.com:443:127.0.0.1:port"), std::string("testsmdpplus1.example.com:99999:127.0.0.1:1"),
        std::string("testsmdpplus1.example.com:443::1"), std::string(":443:127.0.0.1:1"),
        std::string("a b:443:127.0.0.1:1"), std::string("h.example:443:127.0.0.1:1\r\nX: y"),
        std::string("h.example:443:evil/x:1")}) {
    DeliveryOptions options;
    options.connect_to = {entry};
    auto client = HandleNotificationClient::Create(options);
    ASSERT_FALSE(client.ok()) << "accepted connect-to '" << entry << "'";
    EXPECT_EQ(client.status().code(), ErrorCode::kInvalidInput);
    EXPECT_NE(client.status().message().find("connect-to"), std::string::npos) << client.status().message();
  }
}

TEST(CreateTest, RejectsNonsensicalLimitsAndHeaderInjection) {
  DeliveryOptions zero_attempts;
  zero_attempts.max_attempts = 0;
  DeliveryOptions zero_timeout;
  zero_timeout.total_timeout = 0ms;
  DeliveryOptions negative_backoff;
  negative_backoff.first_backoff = -1ms;
  DeliveryOptions crlf_agent;
  crlf_agent.user_agent = "esimctl\r\nX-Admin-Protocol: evil";
  for (const DeliveryOptions& options : {zero_attempts, zero_timeout, negative_backoff, crlf_agent}) {
    auto client = HandleNotificationClient::Create(options);
    ASSERT_FALSE(client.ok());
    EXPECT_EQ(client.status().code(), ErrorCode::kInvalidInput);
  }
}

TEST(DescribeAttemptTest, AcceptsOnly204And200) {
  DeliveryAttempt a;
  for (int64_t status : {204, 200}) {
    a.http_status = status;
    EXPECT_TRUE(IsAccepted(a)) << status;
    EXPECT_EQ(DescribeAttempt(a), "HTTP " + std::to_string(status));
  }
  for (int64_t status : {201, 202, 302, 400, 500, 503}) {
    a.http_status = status;
    EXPECT_FALSE(IsAccepted(a)) << status;
  }
  a.http_status = 500;
  EXPECT_EQ(DescribeAttempt(a), "HTTP 500");
  DeliveryAttempt failed;
  failed.transport_error = "timeout after 2000 ms";
  EXPECT_FALSE(IsAccepted(failed));
  EXPECT_EQ(DescribeAttempt(failed), "timeout after 2000 ms");
}

TEST(InvalidAddressTest, PostOnceFailsAtOnceWithoutNetwork) {
  auto client = HandleNotificationClient::Create({});
  ASSERT_TRUE(client.ok()) << client.status().message();
  const Bytes der = {0x30, 0x00};
  for (std::string address : {"evil/../x", "a b", "user@host", "", "127.0.0.1"}) {
    DeliveryAttempt a = (*client)->PostOnce(address, der);
    EXPECT_FALSE(a.http_status) << address;
    ASSERT_TRUE(a.transport_error) << address;
    EXPECT_TRUE(a.transport_error->starts_with("invalid notification address '" + address + "'"))
        << *a.transport_error;
    EXPECT_TRUE(a.url.empty()) << a.url;  // no URL was ever built, so nothing was requested
    EXPECT_EQ(a.duration_ms, 0);
    EXPECT_GT(a.attempted_at_ms, 1'700'000'000'000);  // Unix milliseconds
  }
}

TEST(InvalidAddressTest, DeliverDoesNotRetryAnInvalidAddress) {
  DeliveryOptions options;
  options.max_attempts = 3;
  options.first_backoff = 2000ms;  // a retry would show in the elapsed time
  auto client = HandleNotificationClient::Create(options);
  ASSERT_TRUE(client.ok()) << client.status().message();
  int calls = 0;
  auto started = std::chrono::steady_clock::now();
  auto outcome = (*client)->Deliver("evil/../x", Bytes{0x30, 0x00}, [&](const DeliveryAttempt&) {
    ++calls;
    return Status::Ok();
  });
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1000ms);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(outcome->accepted);
  ASSERT_EQ(outcome->attempts.size(), 1u);
  EXPECT_TRUE(outcome->reason.starts_with("invalid notification address 'evil/../x'")) << outcome->reason;
}

}  // namespace
}  // namespace esim
