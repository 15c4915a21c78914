// HandleNotificationClient against the real test SM-DP+ (build/tests/test-smdp) on 127.0.0.1:
// acceptance, HTTP failures and retries, timeouts, resets, TLS refusals (verification is on),
// refused connections, the journal callback, and the "during-http" crash point.
//
// The client reaches the server as testsmdpplus1.example.com through connect_to and trusts the
// SGP.26 test CI (which issued CERT_DP_TLS) through ca_files. Every test starts its own server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

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
using delivery_test::Child;
using delivery_test::kHost;
using delivery_test::kPki;
using delivery_test::kSeqNumber;
using delivery_test::Smdp;

const std::string kUrl = "https://" + kHost + "/gsma/rsp2/es9plus/handleNotification";
// Set in the copy of this binary that DuringHttpCrashPointFiresAfterTheWholeBody starts.
constexpr char kCrashChildEnv[] = "ESIM_DELIVERY_CRASH_CHILD_CONNECT_TO";

class DeliveryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Nothing may route these requests anywhere but where connect_to says.
    for (const char* name : {"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"}) ::unsetenv(name);
    std::string missing = delivery_test::MissingPrerequisite();
    ASSERT_TRUE(missing.empty()) << missing;
    ASSERT_FALSE(dir_.path().empty()) << "cannot create a temp dir";
    auto der = delivery_test::SignedNotification();
    ASSERT_TRUE(der.ok()) << "no signed notification from the virtual eUICC: " << der.status().message();
    der_ = *der;
  }

  // Starts test-smdp with `extra` options; null (and a test failure) if it does not start.
  std::unique_ptr<Smdp> StartSmdp(const std::vector<std::string>& extra = {}) {
    auto smdp = Smdp::Start(dir_.path(), extra);
    EXPECT_TRUE(smdp.ok()) << smdp.status().message();
    return smdp.ok() ? std::move(*smdp) : nullptr;
  }

  // Options that reach `smdp` as testsmdpplus1.example.com and trust the SGP.26 CI; one attempt.
  static DeliveryOptions OptionsFor(const Smdp& smdp) {
    DeliveryOptions options;
    options.ca_files = {kPki + "CERT_CI_ECDSA_NIST.pem"};
    options.connect_to = {smdp.ConnectTo()};
    options.connect_timeout = 2000ms;
    options.total_timeout = 4000ms;
    options.max_attempts = 1;
    options.first_backoff = 10ms;
    options.user_agent = "esimctl-test/1";
    return options;
  }

  static std::unique_ptr<HandleNotificationClient> Client(const DeliveryOptions& options) {
    auto client = HandleNotificationClient::Create(options);
    EXPECT_TRUE(client.ok()) << client.status().message();
    return client.ok() ? std::move(*client) : nullptr;
  }

  delivery_test::TempDir dir_;
  Bytes der_;
};

int64_t NowUnixMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(DeliveryTest, SignedNotificationIsAcceptedWith204AndLoggedByTheServer) {
  auto smdp = StartSmdp();
  ASSERT_TRUE(smdp);
  auto client = Client(OptionsFor(*smdp));
  ASSERT_TRUE(client);
  int64_t before = NowUnixMs();
  DeliveryAttempt a = client->PostOnce(kHost, der_);
  int64_t after = NowUnixMs();
  EXPECT_EQ(a.http_status, 204) << a.transport_error.value_or("");
  EXPECT_FALSE(a.transport_error);
  EXPECT_TRUE(IsAccepted(a));
  EXPECT_EQ(DescribeAttempt(a), "HTTP 204");
  EXPECT_EQ(a.url, kUrl);
  EXPECT_GE(a.attempted_at_ms, before);
  EXPECT_LE(a.attempted_at_ms, after);
  EXPECT_GE(a.duration_ms, 0);
  EXPECT_LE(a.duration_ms, after - before);

  // The server verified the signature over the exact bytes, so the DER arrived unchanged.
  auto log = smdp->WaitForLog(1);
  ASSERT_EQ(log.size(), 1u) << smdp->Stderr();
  EXPECT_EQ(log[0]["verdict"], "accepted") << log[0].dump();
  EXPECT_EQ(log[0]["status"], 204);
  EXPECT_EQ(log[0]["seqNumber"], kSeqNumber);
  EXPECT_EQ(log[0]["eid"], delivery_test::kEid);
  EXPECT_EQ(log[0]["method"], "POST");
  EXPECT_EQ(log[0]["path"], "/gsma/rsp2/es9plus/handleNotification");
  EXPECT_EQ(log[0]["x-admin-protocol"], "gsma/rsp/v2.2.0");
  EXPECT_EQ(log[0]["content-type"], "application/json;charset=UTF-8");
  EXPECT_EQ(log[0]["user-agent"], "esimctl-test/1");
  EXPECT_NE(log[0]["reason"].get<std::string>().find("chain verified"), std::string::npos) << log[0].dump();
}

TEST_F(DeliveryTest, DeliverStopsAtTheFirstAcceptance) {
  auto smdp = StartSmdp();
  ASSERT_TRUE(smdp);
  DeliveryOptions options = OptionsFor(*smdp);
  options.max_attempts = 3;
  auto client = Client(options);
  ASSERT_TRUE(client);
  std::vector<DeliveryAttempt> seen;
  auto outcome = client->Deliver(kHost, der_, [&](const DeliveryAttempt& a) {
    seen.push_back(a);
    return Status::Ok();
  });
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_TRUE(outcome->accepted);
  EXPECT_EQ(outcome->reason, "");
  ASSERT_EQ(outcome->attempts.size(), 1u);
  EXPECT_EQ(outcome->attempts[0].http_status, 204);
  EXPECT_EQ(seen, outcome->attempts);
  EXPECT_EQ(smdp->WaitForLog(1).size(), 1u);
}

TEST_F(DeliveryTest, Http500IsRetriedMaxAttemptsTimesWithBackoff) {
  auto smdp = StartSmdp({"--fail", "500"});
  ASSERT_TRUE(smdp);
  DeliveryOptions options = OptionsFor(*smdp);
  options.max_attempts = 3;
  options.first_backoff = 20ms;
  auto client = Client(options);
  ASSERT_TRUE(client);
  std::vector<DeliveryAttempt> seen;
  auto started = std::chrono::steady_clock::now();
  auto outcome = client->Deliver(kHost, der_, [&](const DeliveryAttempt& a) {
    seen.push_back(a);
    return Status::Ok();
  });
  auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_FALSE(outcome->accepted);
  ASSERT_EQ(outcome->attempts.size(), 3u);
  for (const DeliveryAttempt& a : outcome->attempts) {
    EXPECT_EQ(a.http_status, 500) << a.transport_error.value_or("");
    EXPECT_FALSE(a.transport_error);
    EXPECT_EQ(a.url, kUrl);
  }
  EXPECT_EQ(seen, outcome->attempts);  // each one reported, in order
  EXPECT_GE(elapsed, 20ms + 40ms);     // backoff 20 ms, then doubled
  EXPECT_TRUE(outcome->reason.starts_with("HTTP 500")) << outcome->reason;
  EXPECT_NE(outcome->reason.find("injected failure"), std::string::npos) << outcome->reason;  // server's reason
  auto log = smdp->WaitForLog(3);
  ASSERT_EQ(log.size(), 3u) << smdp->Stderr();
  for (const auto& line : log) EXPECT_EQ(line["verdict"], "injected-failure") << line.dump();
}

TEST_F(DeliveryTest, OneFailureThenAcceptedOnTheSecondAttempt) {
  auto smdp = StartSmdp({"--fail", "500", "--fail-count", "1"});
  ASSERT_TRUE(smdp);
  DeliveryOptions options = OptionsFor(*smdp);
  options.max_attempts = 3;
  auto client = Client(options);
  ASSERT_TRUE(client);
  int calls = 0;
  auto outcome = client->Deliver(kHost, der_, [&](const DeliveryAttempt&) {
    ++calls;
    return Status::Ok();
  });
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_TRUE(outcome->accepted);
  EXPECT_EQ(outcome->reason, "");
  ASSERT_EQ(outcome->attempts.size(), 2u);
  EXPECT_EQ(outcome->attempts[0].http_status, 500);
  EXPECT_EQ(outcome->attempts[1].http_status, 204);  // same easy handle, a new connection
  EXPECT_EQ(calls, 2);
  auto log = smdp->WaitForLog(2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1]["verdict"], "accepted");
  EXPECT_EQ(log[1]["seqNumber"], kSeqNumber);
}

TEST_F(DeliveryTest, OnAttemptErrorStopsDeliverAndIsReturned) {
  auto smdp = StartSmdp({"--fail", "500"});
  ASSERT_TRUE(smdp);
  DeliveryOptions options = OptionsFor(*smdp);
  options.max_attempts = 3;
  auto client = Client(options);
  ASSERT_TRUE(client);
  int calls = 0;
  auto outcome = client->Deliver(kHost, der_, [&](const DeliveryAttempt& a) {
    ++calls;
    EXPECT_EQ(a.http_status, 500);
    return Status(ErrorCode::kJournalUnavailable, "database or disk is full");
  });
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kJournalUnavailable);
  EXPECT_EQ(outcome.status().message(), "database or disk is full");
  EXPECT_EQ(calls, 1);
  std::this_thread::sleep_for(200ms);  // a second POST would have been logged by now
  EXPECT_EQ(smdp->WaitForLog(1).size(), 1u);
}

TEST_F(DeliveryTest, SlowAnswerTimesOutWithinTheTotalTimeout) {
  auto smdp = StartSmdp({"--fail", "slow:3000"});
  ASSERT_TRUE(smdp);
  DeliveryOptions options = OptionsFor(*smdp);
  options.total_timeout = 500ms;
  auto client = Client(options);
  ASSERT_TRUE(client);
  DeliveryAttempt a = client->PostOnce(kHost, der_);
  EXPECT_FALSE(a.http_status);
  ASSERT_TRUE(a.transport_error);
  EXPECT_EQ(*a.transport_error, "timeout after 500 ms");
  EXPECT_FALSE(IsAccepted(a));
  EXPECT_GE(a.duration_ms, 450);
  EXPECT_LT(a.duration_ms, 2000);
}

TEST_F(DeliveryTest, ConnectionResetIsATransportError) {
  auto smdp = StartSmdp({"--fail", "reset"});
  ASSERT_TRUE(smdp);
  auto client = Client(OptionsFor(*smdp));
  ASSERT_TRUE(client);
  DeliveryAttempt a = client->PostOnce(kHost, der_);
  EXPECT_FALSE(a.http_status);
  ASSERT_TRUE(a.transport_error);
  EXPECT_EQ(*a.transport_error, "connection reset");
  EXPECT_EQ(DescribeAttempt(a), "connection reset");
}

TEST_F(DeliveryTest, WrongServerCertificateIsRefusedWithOrWithoutCaFiles) {
  auto smdp = StartSmdp({"--fail", "wrong-cert"});
  ASSERT_TRUE(smdp);
  DeliveryOptions with_ci = OptionsFor(*smdp);
  DeliveryOptions system_only = OptionsFor(*smdp);
  system_only.ca_files.clear();
  for (const DeliveryOptions& options : {with_ci, system_only}) {
    auto client = Client(options);
    ASSERT_TRUE(client);
    DeliveryAttempt a = client->PostOnce(kHost, der_);
    EXPECT_FALSE(a.http_status);
    ASSERT_TRUE(a.transport_error);
    EXPECT_TRUE(a.transport_error->starts_with("TLS: ")) << *a.transport_error;
    EXPECT_NE(a.transport_error->find("certificate"), std::string::npos) << *a.transport_error;
  }
  // Nothing reached HTTP: the server saw two failed handshakes and no notification.
  auto log = smdp->WaitForLog(2);
  ASSERT_EQ(log.size(), 2u) << smdp->Stderr();
  for (const auto& line : log) {
    EXPECT_EQ(line["verdict"], "injected-failure") << line.dump();
    EXPECT_TRUE(line["seqNumber"].is_null()) << line.dump();
  }
}

TEST_F(DeliveryTest, TestCiIsNotTrustedFromTheSystemStoreAlone) {
  auto smdp = StartSmdp();
  ASSERT_TRUE(smdp);
  DeliveryOptions options = OptionsFor(*smdp);
  options.ca_files.clear();
  auto client = Client(options);
  ASSERT_TRUE(client);
  DeliveryAttempt a = client->PostOnce(kHost, der_);
  EXPECT_FALSE(a.http_status);
  ASSERT_TRUE(a.transport_error);
  EXPECT_TRUE(a.transport_error->starts_with("TLS: ")) << *a.transport_error;
  auto log = smdp->WaitForLog(1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_TRUE(log[0]["seqNumber"].is_null()) << log[0].dump();
}

TEST_F(DeliveryTest, HostNameMismatchIsRefused) {
  auto smdp = StartSmdp();
  ASSERT_TRUE(smdp);
  DeliveryOptions options = OptionsFor(*smdp);
  // Same server, same trusted chain, but its certificate does not name other.example.com.
  options.connect_to = {smdp->ConnectTo("other.example.com")};
  auto client = Client(options);
  ASSERT_TRUE(client);
  DeliveryAttempt a = client->PostOnce("other.example.com", der_);
  EXPECT_FALSE(a.http_status);
  ASSERT_TRUE(a.transport_error);
  EXPECT_TRUE(a.transport_error->starts_with("TLS: ")) << *a.transport_error;
  EXPECT_NE(a.transport_error->find("other.example.com"), std::string::npos) << *a.transport_error;
  auto log = smdp->WaitForLog(1);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_TRUE(log[0]["seqNumber"].is_null()) << log[0].dump();
}

TEST_F(DeliveryTest, AddressWithAPortIsUsedAsIs) {
  auto smdp = StartSmdp();
  ASSERT_TRUE(smdp);
  const std::string port = std::to_string(smdp->port());
  DeliveryOptions options = OptionsFor(*smdp);
  options.connect_to = {smdp->ConnectTo(kHost, port)};
  auto client = Client(options);
  ASSERT_TRUE(client);
  DeliveryAttempt a = client->PostOnce(kHost + ":" + port, der_);
  EXPECT_EQ(a.http_status, 204) << a.transport_error.value_or("");
  EXPECT_EQ(a.url, "https://" + kHost + ":" + port + "/gsma/rsp2/es9plus/handleNotification");
}

TEST_F(DeliveryTest, ClosedPortIsConnectionRefused) {
  // A port that was free a moment ago, with nothing listening on it now.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  DeliveryOptions options;
  options.ca_files = {kPki + "CERT_CI_ECDSA_NIST.pem"};
  options.connect_to = {kHost + ":443:127.0.0.1:" + std::to_string(ntohs(addr.sin_port))};
  options.connect_timeout = 2000ms;
  auto client = Client(options);
  ASSERT_TRUE(client);
  DeliveryAttempt a = client->PostOnce(kHost, der_);
  EXPECT_FALSE(a.http_status);
  ASSERT_TRUE(a.transport_error);
  EXPECT_EQ(*a.transport_error, "connection refused");
  EXPECT_LT(a.duration_ms, 1000);
}

TEST_F(DeliveryTest, UnresolvableHostIsATransportError) {
  DeliveryOptions options;
  options.connect_timeout = 3000ms;
  auto client = Client(options);
  ASSERT_TRUE(client);
  // .invalid never resolves (RFC 6761).
  DeliveryAttempt a = client->PostOnce("nonexistent-smdp.invalid", der_);
  EXPECT_FALSE(a.http_status);
  ASSERT_TRUE(a.transport_error);
  EXPECT_EQ(*a.transport_error, "could not resolve host nonexistent-smdp.invalid");
}

// The crash point fires once the request has been handed over completely: the process dies by
// SIGKILL before it reads an answer, and the server still received the whole notification.
// The test runs a copy of this binary with ESIMCTL_CRASH_AT=during-http (CrashPoint reads the
// variable once per process, so it cannot be set here).
TEST_F(DeliveryTest, DuringHttpCrashPointFiresAfterTheWholeBody) {
  if (const char* connect_to = std::getenv(kCrashChildEnv)) {  // the copy: must not come back
    DeliveryOptions options;
    options.ca_files = {kPki + "CERT_CI_ECDSA_NIST.pem"};
    options.connect_to = {connect_to};
    auto client = Client(options);
    ASSERT_TRUE(client);
    DeliveryAttempt a = client->PostOnce(kHost, der_);
    FAIL() << "still alive after the POST: " << DescribeAttempt(a);
  }
  auto smdp = StartSmdp();
  ASSERT_TRUE(smdp);
  const std::string filter = std::string("--gtest_filter=") +
                             ::testing::UnitTest::GetInstance()->current_test_info()->test_suite_name() + "." +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name();
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  // The copy dies without cleaning up: its temp dirs go under ours, which TearDown removes.
  const std::filesystem::path child_tmp = dir_.path() / "child-tmp";
  std::filesystem::create_directory(child_tmp);
  auto child = Child::Spawn({self, filter},
                            Child::Environment({"ESIMCTL_CRASH_AT=during-http", "TMPDIR=" + child_tmp.string(),
                                                std::string(kCrashChildEnv) + "=" + smdp->ConnectTo()}),
                            (dir_.path() / "child.err").string());
  ASSERT_TRUE(child.ok()) << child.status().message();
  std::optional<int> status = (*child)->Wait(10s);
  ASSERT_TRUE(status) << "the child did not end";
  EXPECT_TRUE(WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL) << "wait status " << *status;
  auto log = smdp->WaitForLog(1);
  ASSERT_EQ(log.size(), 1u) << smdp->Stderr();
  EXPECT_EQ(log[0]["seqNumber"], kSeqNumber) << log[0].dump();  // the body arrived whole and verified
}

}  // namespace
}  // namespace esim
