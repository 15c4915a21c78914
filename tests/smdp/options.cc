#include "tests/smdp/options.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace esim::smdp {
namespace {

constexpr std::pair<Function, const char*> kNames[] = {
    {Function::kInitiateAuthentication, "initiateAuthentication"},
    {Function::kAuthenticateClient, "authenticateClient"},
    {Function::kGetBoundProfilePackage, "getBoundProfilePackage"},
    {Function::kCancelSession, "cancelSession"},
    {Function::kHandleNotification, "handleNotification"},
};

bool Digits(const std::string& s, size_t max) {
  return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), ::isdigit);
}

}  // namespace

const char* FunctionName(Function f) {
  for (const auto& [fn, name] : kNames)
    if (fn == f) return name;
  return "?";
}

std::optional<Function> FunctionFromName(std::string_view name) {
  for (const auto& [fn, n] : kNames)
    if (name == n) return fn;
  return std::nullopt;
}

Status ParseFail(Options& o) {
  const std::string& f = o.fail;
  static const std::regex kCodes(R"(failed:([0-9]+(\.[0-9]+)*)/([0-9]+(\.[0-9]+)*))");
  std::smatch m;
  if (f == "none") o.fail_mode = FailMode::kNone;
  else if (f == "500") o.fail_mode = FailMode::k500;
  else if (f == "reset") o.fail_mode = FailMode::kReset;
  else if (f == "wrong-cert") o.fail_mode = FailMode::kWrongCert;
  else if (f == "bad-signature") o.fail_mode = FailMode::kBadSignature;
  else if (f == "wrong-transaction-id") o.fail_mode = FailMode::kWrongTransactionId;
  else if (f.starts_with("slow:")) {
    std::string ms = f.substr(5);
    if (!Digits(ms, 7)) return Status(ErrorCode::kUsage, "--fail slow:MS needs MS as 1-7 digits");
    o.fail_mode = FailMode::kSlow;
    o.slow_ms = std::stoi(ms);
  } else if (f.starts_with("bad-mac:")) {
    std::string n = f.substr(8);
    if (n == "last") o.bad_mac_segment = -1;
    else if (Digits(n, 4) && std::stoi(n) > 0) o.bad_mac_segment = std::stoi(n);
    else return Status(ErrorCode::kUsage, "--fail bad-mac:N needs N >= 1 or last");
    o.fail_mode = FailMode::kBadMac;
  } else if (std::regex_match(f, m, kCodes)) {
    o.fail_mode = FailMode::kFailed;
    o.failed_subject = m[1];
    o.failed_reason = m[3];
  } else {
    return Status(ErrorCode::kUsage,
                  "--fail must be none, 500, slow:MS, reset, wrong-cert, failed:SUBJECT/REASON, bad-signature, "
                  "wrong-transaction-id or bad-mac:N|last");
  }
  if (!o.fail_function.empty()) {
    o.only_function = FunctionFromName(o.fail_function);
    if (!o.only_function)
      return Status(ErrorCode::kUsage,
                    "--fail-function must be initiateAuthentication, authenticateClient, getBoundProfilePackage, "
                    "cancelSession or handleNotification");
  }
  return Status::Ok();
}

bool FailPlan::Take(FailMode mode, std::optional<Function> f) {
  if (o_.fail_mode != mode || mode == FailMode::kNone) return false;
  if (o_.only_function && f && *f != *o_.only_function) return false;
  if (o_.fail_count >= 0 && injected_ >= o_.fail_count) return false;
  ++injected_;
  return true;
}

}  // namespace esim::smdp
