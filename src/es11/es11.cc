#include "src/es11/es11.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/utf8.h"

namespace esim::es11 {
namespace {

using nlohmann::json;

// es9p's parsers speak of "the SM-DP+"; here the server is an SM-DS.
Status AsSmds(const Status& status) {
  if (status.ok()) return status;
  std::string message = status.message();
  for (size_t at = message.find("SM-DP+"); at != std::string::npos; at = message.find("SM-DP+", at)) {
    message.replace(at, 6, "SM-DS");
  }
  return Status(status.code(), message);
}

Status Invalid(const std::string& message) {
  return Status(ErrorCode::kServerAnswerInvalid, "the SM-DS's answer is invalid: " + message);
}

std::string Shown(const std::string& text) {
  std::string safe = TerminalText(text.substr(0, 100));
  return text.size() > 100 ? safe + "..." : safe;
}

}  // namespace

const char* PathSegment(Path path) { return path == Path::kEs11 ? "es11" : "es9plus"; }

std::string BuildInitiateAuthentication(ByteView euicc_challenge, ByteView euicc_info1,
                                        const std::string& smds_address, Path path) {
  return json{{"euiccChallenge", Base64(euicc_challenge)},
              {"euiccInfo1", Base64(euicc_info1)},
              {path == Path::kEs11 ? "smdsAddress" : "smdpAddress", smds_address}}
      .dump();
}

std::string BuildAuthenticateClient(ByteView transaction_id, ByteView authenticate_server_response) {
  return es9p::BuildAuthenticateClient(transaction_id, authenticate_server_response);
}

Status CheckHeader(const std::string& body) { return AsSmds(es9p::CheckHeader(body)); }

Result<es9p::InitiateAuthenticationAnswer> ParseInitiateAuthentication(const std::string& body) {
  Result<es9p::InitiateAuthenticationAnswer> answer = es9p::ParseInitiateAuthentication(body);
  if (!answer.ok()) return AsSmds(answer.status());
  return answer;
}

Result<std::vector<EventEntry>> ParseAuthenticateClient(const std::string& body, ByteView transaction_id) {
  ESIM_RETURN_IF_ERROR(CheckHeader(body));
  json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!answer.is_object()) return Invalid("not a JSON object");
  // SGP.22's ES11 answer need not name the transaction; when it does, it must be this one.
  if (auto tid = answer.find("transactionId"); tid != answer.end()) {
    const bool same = tid->is_string() && [&] {
      Result<Bytes> bytes = FromHex(tid->get<std::string>());
      return bytes.ok() && std::equal(bytes->begin(), bytes->end(), transaction_id.begin(), transaction_id.end());
    }();
    if (!same) return Invalid("transactionId is not this session's (" + ToHex(transaction_id) + ")");
  }
  std::vector<EventEntry> events;
  auto entries = answer.find("eventEntries");
  if (entries == answer.end()) return events;  // SGP.22: absent when no event waits
  if (!entries->is_array()) return Invalid("eventEntries is not a list");
  for (const json& entry : *entries) {
    auto member = [&](const char* name) -> std::string {
      auto it = entry.is_object() ? entry.find(name) : entry.end();
      return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    EventEntry event{member("eventId"), member("rspServerAddress")};
    if (event.eventId.empty() || event.rspServerAddress.empty()) {
      return Invalid("an event entry lacks eventId or rspServerAddress (" + Shown(entry.dump()) + ")");
    }
    events.push_back(std::move(event));
  }
  return events;
}

}  // namespace esim::es11
