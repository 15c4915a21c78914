#include "src/es9p/es9p.h"

#include <nlohmann/json.hpp>

#include "common/base64.h"
#include "common/utf8.h"

namespace esim::es9p {
namespace {

using nlohmann::json;

Status Invalid(std::string message) {
  return Status(ErrorCode::kServerAnswerInvalid, "the SM-DP+'s answer is invalid: " + std::move(message));
}

// What the server wrote, made safe for a terminal and bounded.
std::string Shown(const std::string& text) {
  std::string safe = TerminalText(text.substr(0, 200));
  return text.size() > 200 ? safe + "..." : safe;
}

Result<json> ParseObject(const std::string& body) {
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return Invalid("not a JSON object");
  return parsed;
}

Status CheckHeaderOf(const json& answer) {
  auto header = answer.find("header");
  if (header == answer.end() || !header->is_object()) return Invalid("no header");
  auto status_object = header->find("functionExecutionStatus");
  if (status_object == header->end() || !status_object->is_object()) return Invalid("no functionExecutionStatus");
  auto status = status_object->find("status");
  if (status == status_object->end() || !status->is_string()) return Invalid("no functionExecutionStatus.status");
  const std::string value = status->get<std::string>();
  if (value == "Executed-Success" || value == "Executed-WithWarning") return Status::Ok();
  std::string codes;
  auto data = status_object->find("statusCodeData");
  if (data != status_object->end() && data->is_object()) {
    auto member = [&](const char* name) -> std::string {
      auto it = data->find(name);
      return it != data->end() && it->is_string() ? Shown(it->get<std::string>()) : "";
    };
    std::string subject = member("subjectCode");
    std::string reason = member("reasonCode");
    std::string message = member("message");
    if (!subject.empty() || !reason.empty()) codes = " (subject " + subject + ", reason " + reason + ")";
    if (!message.empty()) codes += ": " + message;
  }
  return Status(ErrorCode::kServerRefused, "the SM-DP+ answered " + Shown(value) + codes);
}

Result<Bytes> Member(const json& answer, const char* name) {
  auto it = answer.find(name);
  if (it == answer.end() || !it->is_string()) return Invalid(std::string(name) + " is missing");
  return DecodeBase64(it->get<std::string>(), name);
}

Result<Bytes> TransactionId(const json& answer) {
  auto it = answer.find("transactionId");
  if (it == answer.end() || !it->is_string()) return Invalid("transactionId is missing");
  Result<Bytes> tid = FromHex(it->get<std::string>());
  if (!tid.ok() || tid->empty() || tid->size() > 16) return Invalid("transactionId is not 1-16 bytes of hex");
  return tid;
}

Result<Bytes> CheckedTransactionId(const json& answer, ByteView expected) {
  ESIM_ASSIGN_OR_RETURN(Bytes tid, TransactionId(answer));
  if (!std::equal(tid.begin(), tid.end(), expected.begin(), expected.end())) {
    return Invalid("transactionId " + ToHex(tid) + " is not this session's (" + ToHex(expected) + ")");
  }
  return tid;
}

}  // namespace

Result<Bytes> DecodeBase64(const std::string& text, const std::string& member) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return Invalid(member + " is not padded base64");
  Bytes out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      char c = text[i + j];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        v[j] = 0;
        ++pad;
      } else if (pad > 0 || (v[j] = value(c)) < 0) {
        return Invalid(member + " is not base64");
      }
    }
    uint32_t group = (static_cast<uint32_t>(v[0]) << 18) | (static_cast<uint32_t>(v[1]) << 12) |
                     (static_cast<uint32_t>(v[2]) << 6) | static_cast<uint32_t>(v[3]);
    out.push_back(static_cast<uint8_t>(group >> 16));
    if (pad < 2) out.push_back(static_cast<uint8_t>(group >> 8));
    if (pad < 1) out.push_back(static_cast<uint8_t>(group));
  }
  return out;
}

std::string BuildInitiateAuthentication(ByteView euicc_challenge, ByteView euicc_info1, const std::string& smdp_address) {
  return json{{"euiccChallenge", Base64(euicc_challenge)},
              {"euiccInfo1", Base64(euicc_info1)},
              {"smdpAddress", smdp_address}}
      .dump();
}

std::string BuildAuthenticateClient(ByteView transaction_id, ByteView authenticate_server_response) {
  return json{{"transactionId", ToHex(transaction_id)},
              {"authenticateServerResponse", Base64(authenticate_server_response)}}
      .dump();
}

std::string BuildGetBoundProfilePackage(ByteView transaction_id, ByteView prepare_download_response) {
  return json{{"transactionId", ToHex(transaction_id)},
              {"prepareDownloadResponse", Base64(prepare_download_response)}}
      .dump();
}

std::string BuildCancelSession(ByteView transaction_id, ByteView cancel_session_response) {
  return json{{"transactionId", ToHex(transaction_id)},
              {"cancelSessionResponse", Base64(cancel_session_response)}}
      .dump();
}

Status CheckHeader(const std::string& body) {
  ESIM_ASSIGN_OR_RETURN(json answer, ParseObject(body));
  return CheckHeaderOf(answer);
}

Result<InitiateAuthenticationAnswer> ParseInitiateAuthentication(const std::string& body) {
  ESIM_ASSIGN_OR_RETURN(json answer, ParseObject(body));
  ESIM_RETURN_IF_ERROR(CheckHeaderOf(answer));
  InitiateAuthenticationAnswer out;
  ESIM_ASSIGN_OR_RETURN(out.transactionId, TransactionId(answer));
  ESIM_ASSIGN_OR_RETURN(out.serverSigned1, Member(answer, "serverSigned1"));
  ESIM_ASSIGN_OR_RETURN(out.serverSignature1, Member(answer, "serverSignature1"));
  ESIM_ASSIGN_OR_RETURN(out.euiccCiPKIdToBeUsed, Member(answer, "euiccCiPKIdToBeUsed"));
  ESIM_ASSIGN_OR_RETURN(out.serverCertificate, Member(answer, "serverCertificate"));
  return out;
}

Result<AuthenticateClientAnswer> ParseAuthenticateClient(const std::string& body, ByteView transaction_id) {
  ESIM_ASSIGN_OR_RETURN(json answer, ParseObject(body));
  ESIM_RETURN_IF_ERROR(CheckHeaderOf(answer));
  AuthenticateClientAnswer out;
  ESIM_ASSIGN_OR_RETURN(out.transactionId, CheckedTransactionId(answer, transaction_id));
  ESIM_ASSIGN_OR_RETURN(out.profileMetadata, Member(answer, "profileMetadata"));
  ESIM_ASSIGN_OR_RETURN(out.smdpSigned2, Member(answer, "smdpSigned2"));
  ESIM_ASSIGN_OR_RETURN(out.smdpSignature2, Member(answer, "smdpSignature2"));
  ESIM_ASSIGN_OR_RETURN(out.smdpCertificate, Member(answer, "smdpCertificate"));
  return out;
}

Result<GetBoundProfilePackageAnswer> ParseGetBoundProfilePackage(const std::string& body, ByteView transaction_id) {
  ESIM_ASSIGN_OR_RETURN(json answer, ParseObject(body));
  ESIM_RETURN_IF_ERROR(CheckHeaderOf(answer));
  GetBoundProfilePackageAnswer out;
  ESIM_ASSIGN_OR_RETURN(out.transactionId, CheckedTransactionId(answer, transaction_id));
  ESIM_ASSIGN_OR_RETURN(out.boundProfilePackage, Member(answer, "boundProfilePackage"));
  return out;
}

}  // namespace esim::es9p
