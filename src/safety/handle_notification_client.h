// HandleNotificationClient: delivers one signed eUICC notification to its SM-DP+ over ES9+
// (HTTPS POST .../gsma/rsp2/es9plus/handleNotification, ../shared/docs/sgp22-facts.md §5).
//
// TLS verification is always on and cannot be turned off: peer chain checked against the
// system trust store plus every --ca-file plus the GSMA CIs trusted for the card (ci_trust.h:
// RSP2 Root CI1, the live CIs the card lists, its test CIs with --trust-test-ci), host name
// checked, HTTPS only, no redirects. A chain refused for want of a trusted CA/CI is explained
// (which CI, listed by the card or not): kServerNotTrusted for ES9+, the attempt's reason for a
// notification.
// Success is HTTP 204 (or 200); every other outcome (other status, timeout, TLS failure,
// reset, unresolvable name) is a failed attempt with a reason. Deliver() retries a bounded
// number of times with exponential backoff and reports every attempt to the caller *before*
// the next one starts, so the caller can journal each attempt. The same handle also posts the
// download functions of ES9+ (PostEs9Plus, used by es9p_https.h), so a download obeys the same
// TLS rules and headers.
//
// Threading: one object per thread (it owns one libcurl easy handle, reused for keep-alive).
// libcurl's global initialisation happens once per process on first Create().
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "src/safety/ci_trust.h"
#include "src/safety/notification_journal.h"  // DeliveryAttempt

namespace esim {

struct DeliveryOptions {
  // PEM files with extra trusted CA certificates (added to the system trust store).
  std::vector<std::string> ca_files;
  // --trust-test-ci: also trust the test CIs the card lists (data/ci/test), for test servers.
  bool trust_test_ci = false;
  // "HOST:PORT:CONNECT_HOST:CONNECT_PORT" entries, as curl's --connect-to: the request for
  // HOST:PORT goes to CONNECT_HOST:CONNECT_PORT, while TLS still checks the name HOST.
  std::vector<std::string> connect_to;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds total_timeout{30000};   // one attempt, connect included
  int max_attempts = 3;                             // per Deliver() call, >= 1
  std::chrono::milliseconds first_backoff{1000};    // doubled after each failed attempt
  std::string user_agent = "esimctl";
};

// The outcome of Deliver(): accepted iff the last attempt got 204/200.
struct DeliveryOutcome {
  bool accepted = false;
  std::vector<DeliveryAttempt> attempts;  // in order; never empty
  std::string reason;                     // why not accepted (last attempt), empty if accepted
};

// An ES9+ answer as it came: for the download functions (src/es9p parses the body).
struct Es9Answer {
  std::string url;
  long http_status = 0;
  std::string body;  // whole, at most 8 MiB
};

class HandleNotificationClient {
 public:
  // Checks the options (each CA file must exist and hold at least one PEM certificate:
  // kInvalidInput naming the file; connect_to entries well formed) and sets up libcurl.
  static Result<std::unique_ptr<HandleNotificationClient>> Create(DeliveryOptions options);
  ~HandleNotificationClient();
  HandleNotificationClient(const HandleNotificationClient&) = delete;
  HandleNotificationClient& operator=(const HandleNotificationClient&) = delete;

  // "https://ADDRESS/gsma/rsp2/es9plus/handleNotification"; kInvalidInput unless `address` is
  // a plain DNS name, optionally with ":PORT" (1-65535); no IP literal, path, user or
  // whitespace (a card's notificationAddress is not trusted to be one).
  static Result<std::string> UrlFor(const std::string& address);

  // One POST of `pending_notification` (the exact DER) to `address`'s handleNotification URL.
  // Never fails as a Status: the outcome is in the attempt (http_status or transport_error).
  DeliveryAttempt PostOnce(const std::string& address, ByteView pending_notification);

  // Up to max_attempts POSTs with backoff between them; stops at the first acceptance or at
  // a failure that cannot improve by retrying (an invalid address). `on_attempt` runs after
  // every attempt; if it fails (the journal could not record it) Deliver stops and returns
  // that error.
  Result<DeliveryOutcome> Deliver(const std::string& address, ByteView pending_notification,
                                  const std::function<Status(const DeliveryAttempt&)>& on_attempt);

  // One POST of `json_body` to https://ADDRESS/gsma/rsp2/es9plus/FUNCTION (the download
  // functions: initiateAuthentication, authenticateClient, ...) with the same headers and TLS
  // rules as a notification, no retry. kServerUnreachable (naming the URL and the transport
  // error) when no HTTP answer came; kServerAnswerInvalid for a body over 8 MiB; any HTTP
  // status is returned as an answer for the caller to judge.
  Result<Es9Answer> PostEs9Plus(const std::string& address, std::string_view function, const std::string& json_body);

  // PostEs9Plus for any RSP2 interface: POSTs to https://ADDRESS/gsma/rsp2/INTERFACE/FUNCTION
  // (INTERFACE "es9plus" or "es11": discovery at an SM-DS, src/safety/es11_https.h), same rules.
  Result<Es9Answer> PostRsp2(const std::string& address, std::string_view rsp2_interface, std::string_view function,
                             const std::string& json_body);

  // The options in force.
  const DeliveryOptions& options() const;

  // The card's CI list (EUICCInfo1 euiccCiPKIdListForVerification) when the caller read it:
  // its CIs are trusted (ci_trust.h) from the next connection on.
  void SetCardCis(CardCiList list);
  // How to read the card's CI list when it is not set: called at most once, and only when a
  // server's chain was refused for want of a trusted CA/CI (then the request is tried once
  // more), so a delivery the system store, --ca-file or RSP2 Root CI1 cover costs no APDU.
  void SetCardCiSource(std::function<Result<CardCiList>()> source);

 private:
  struct Impl;
  explicit HandleNotificationClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// True if `attempt` is an acceptance (HTTP 204 or 200).
bool IsAccepted(const DeliveryAttempt& attempt);

// "HTTP 500", "timeout after 30000 ms", "TLS: certificate verify failed", ...: one line for people.
std::string DescribeAttempt(const DeliveryAttempt& attempt);

// Why a delivery that was not accepted failed (DeliveryOutcome::reason): DescribeAttempt(last),
// and when the server answered with an HTTP status, the reason its body gives ({"error": "..."}
// or {"message": "..."}; control and non-ASCII bytes escaped, at most 200 bytes) in
// parentheses, e.g. "HTTP 400 (bad signature)". `response_body` is what was kept of the body
// (its first 4 KiB). Pure: no network.
std::string FailureReason(const DeliveryAttempt& last, const std::string& response_body);

}  // namespace esim
