// test-smdp's command line and its failure plan (which injected failure, where, how often).
// Values plus FailPlan, which counts what it injected; single-threaded like the server.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace esim::smdp {

enum class Function { kInitiateAuthentication, kAuthenticateClient, kGetBoundProfilePackage, kCancelSession, kHandleNotification };
const char* FunctionName(Function f);
std::optional<Function> FunctionFromName(std::string_view name);

enum class FailMode {
  kNone,
  k500, kSlow, kReset, kWrongCert,  // HTTP/TLS level
  kFailed,                           // answer Failed with --fail's SUBJECT/REASON
  kBadSignature,                     // corrupt serverSignature1 / smdpSignature2 / smdpSign
  kWrongTransactionId,               // answer with another transactionId
  kBadMac,                           // corrupt one BPP segment's MAC
};

struct Options {
  int port = 0;
  std::string cert, key, ci_cert, log;
  std::string pki_dir, upp_dir, orders;
  std::string address = "testsmdpplus1.example.com";
  bool no_replace_session_keys = false;
  bool reusable_orders = false;  // an order is released again once its BPP is built (benchmarks)
  std::string fail = "none";
  std::string fail_function;
  int fail_count = -1;   // -1: every matching request fails
  int max_requests = 0;  // 0: no limit (the lifetime still applies)
  int lifetime_s = 60;
  // The SM-DS role (ES11 event retrieval), on when smds_events is set.
  std::string smds_events;        // --smds-events FILE {eid: [{eventId, rspServerAddress}]}
  std::string smds_address;       // the SM-DS address it signs and expects (--smds-address)
  std::string smds_pki_dir;       // CERT.DSauth + key (--smds-pki-dir; default --pki-dir)
  std::string smds_paths = "both";  // es11 | es9plus | both: where ES11 is served

  // Parsed from `fail` / `fail_function`.
  FailMode fail_mode = FailMode::kNone;
  int slow_ms = 0;
  std::string failed_subject, failed_reason;
  int bad_mac_segment = 0;  // 1-based; -1 = last 86
  std::optional<Function> only_function;
};

// Parses --fail and --fail-function into `o`; kUsage with the reason.
Status ParseFail(Options& o);

// Decides, request by request, whether the configured failure applies, and counts it.
class FailPlan {
 public:
  explicit FailPlan(const Options& o) : o_(o) {}
  // True (and counted) if `mode` is the configured mode, `f` is in scope (every function
  // unless --fail-function named one; nullopt = not known yet, as at the TLS handshake) and
  // --fail-count is not used up.
  bool Take(FailMode mode, std::optional<Function> f);
  const Options& options() const { return o_; }

 private:
  const Options& o_;
  int injected_ = 0;
};

}  // namespace esim::smdp
