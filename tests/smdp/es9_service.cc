#include "tests/smdp/es9_service.h"

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>

#include "common/base64.h"
#include "common/certificate_checks.h"
#include "common/raw_ecdsa.h"
#include "tests/smdp/bpp_builder.h"
#include "tests/smdp/euicc_checks.h"
#include "tests/smdp/notification.h"
#include "tests/smdp/tlv.h"

namespace esim::smdp {
namespace {

using nlohmann::json;

// Failed answers as SGP.22 §5.6 / osmo-smdpp name them.
struct Code {
  const char* subject;
  const char* reason;
};
constexpr Code kUnknownTransaction{"8.10.1", "3.9"};
constexpr Code kEuiccVerification{"8.1", "6.1"};
constexpr Code kEuiccCertificate{"8.1.3", "6.1"};
constexpr Code kMatchingIdRefused{"8.2.6", "3.8"};
constexpr Code kEidMismatch{"8.1.1", "3.8"};
constexpr Code kCcMissing{"8.2.7", "2.2"};
constexpr Code kCcRefused{"8.2.7", "3.8"};
constexpr Code kOrderExpired{"8.8.5", "4.10"};
constexpr Code kAddressRefused{"8.8.1", "3.8"};
constexpr Code kCiNotSupported{"8.8.2", "3.1"};
constexpr Code kCiNoDpAuth{"8.8.4", "3.7"};
constexpr Code kOidInvalid{"8.8", "3.10"};

// A malformed request: the client's bug, answered 400 like handleNotification's.
struct BadRequest {
  std::string why;
};

Bytes RandomBytes(size_t n) {
  Bytes out(n);
  RAND_bytes(out.data(), static_cast<int>(n));
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

const char* CancelReasonName(int r) {
  switch (r) {
    case 0: return "endUserRejection";
    case 1: return "postponed";
    case 2: return "timeout";
    case 3: return "pprNotAllowed";
    case 4: return "metadataMismatch";
    case 5: return "loadBppExecutionError";
    case 127: return "undefinedReason";
    default: return "unknown";
  }
}

const char* InstallErrorName(int r) {
  static const char* kNames[] = {"?", "incorrectInputValues", "invalidSignature", "invalidTransactionId",
                                 "unsupportedCrtValues", "unsupportedRemoteOperationType", "unsupportedProfileClass",
                                 "scp03tStructureError", "scp03tSecurityError",
                                 "installFailedDueToIccidAlreadyExistsOnEuicc",
                                 "installFailedDueToInsufficientMemoryForProfile",
                                 "installFailedDueToInterruption", "installFailedDueToPEProcessingError",
                                 "installFailedDueToIccidMismatch", "testProfileInstallFailedDueToInvalidNaaKey",
                                 "pprNotAllowed"};
  if (r >= 1 && r <= 15) return kNames[r];
  return r == 127 ? "installFailedDueToUnknownError" : "unknown";
}

// A string member of the request, or BadRequest.
std::string Member(const json& in, const char* name) {
  if (!in.contains(name) || !in[name].is_string()) throw BadRequest{std::string("body has no string member ") + name};
  return in[name].get<std::string>();
}

Bytes Base64Member(const json& in, const char* name) {
  auto bytes = DecodeBase64Strict(Member(in, name));
  if (!bytes.ok()) throw BadRequest{std::string(name) + ": " + bytes.status().message()};
  return *bytes;
}

// The transactionId member as upper-case hex (the form sessions are keyed by).
std::string TransactionIdMember(const json& in) {
  std::string tid = Member(in, "transactionId");
  auto bytes = FromHex(tid);
  if (tid.empty() || !bytes.ok() || bytes->size() > 16 || tid.find_first_of(" \t:\n") != std::string::npos)
    throw BadRequest{"transactionId is not 1-16 bytes of hex"};
  return ToHex(*bytes);
}

Bytes Sha256(ByteView data) {
  Bytes out(SHA256_DIGEST_LENGTH);
  SHA256(data.data(), data.size(), out.data());
  return out;
}

std::string OidText(ByteView value) {
  Bytes der = Wrap(0x06, value);
  const unsigned char* p = der.data();
  std::unique_ptr<ASN1_OBJECT, OpenSslFree<ASN1_OBJECT_free>> obj(d2i_ASN1_OBJECT(nullptr, &p, static_cast<long>(der.size())));
  if (!obj) return "";
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, obj.get(), 1);
  return n > 0 && n < static_cast<int>(sizeof buf) ? std::string(buf, static_cast<size_t>(n)) : "";
}

// Every 04 list member in a ciPKId list (A9/AA in EUICCInfo1).
bool ListsKeyId(ByteView info1, const Tlv& list, ByteView key_id) {
  auto members = Children(info1, list);
  if (!members.ok()) return false;
  for (const Tlv& m : *members) {
    ByteView v = Value(info1, m);
    if (m.tag == 0x04 && std::equal(v.begin(), v.end(), key_id.begin(), key_id.end())) return true;
  }
  return false;
}

}  // namespace

Bytes HashConfirmationCode(const std::string& code, ByteView transaction_id) {
  return Sha256(Concat({Sha256(View(code)), transaction_id}));
}

Es9Service::Es9Service(const Options& options, const ServerPki* pki, X509* ci, OrderBook orders, EventLog& log,
                       FailPlan& fail)
    : o_(options), pki_(pki), ci_(ci), orders_(std::move(orders)), log_(log), fail_(fail) {}

void Es9Service::LogOrders() {
  for (const auto& [id, order] : orders_) {
    log_.Write({{"event", "order"}, {"matchingId", id}, {"state", OrderStateName(order.state)},
                {"iccid", order.iccid}, {"reason", order.made ? "loaded (package made by the server)" : "loaded"}});
  }
}

void Es9Service::SetState(Order& order, OrderState state, const std::string& reason, const Session* s) {
  order.state = state;
  json line = {{"event", "order"}, {"matchingId", order.matching_id}, {"state", OrderStateName(state)},
               {"iccid", order.iccid}, {"reason", reason}};
  if (s) {
    line["transactionId"] = ToHex(s->transaction_id);
    if (!s->eid.empty()) line["eid"] = s->eid;
  }
  log_.Write(line);
}

Answer Es9Service::Success(Function f, json fields, const std::string& transaction_id) {
  json header = {{"functionExecutionStatus", {{"status", "Executed-Success"}}}};
  fields["header"] = header;
  if (!transaction_id.empty()) {
    fields["transactionId"] = transaction_id;
    if (fail_.Take(FailMode::kWrongTransactionId, f)) {
      // Another valid-looking transactionId: same length, first byte changed.
      std::string other = transaction_id;
      other[0] = other[0] == 'F' ? '0' : 'F';
      fields["transactionId"] = other;
      Answer a;
      a.body = fields.dump();
      a.verdict = "injected-failure";
      a.reason = "--fail wrong-transaction-id: answered transactionId " + other;
      a.log = {{"transactionId", transaction_id}};
      return a;
    }
  }
  Answer a;
  a.body = fields.dump();
  a.verdict = "accepted";
  a.log = {{"transactionId", transaction_id.empty() ? json(nullptr) : json(transaction_id)}};
  return a;
}

Answer Es9Service::Failed(const std::string& subject, const std::string& reason, const std::string& message) {
  json body = {{"header",
                {{"functionExecutionStatus",
                  {{"status", "Failed"},
                   {"statusCodeData", {{"subjectCode", subject}, {"reasonCode", reason}, {"message", message}}}}}}}};
  Answer a;
  a.body = body.dump();
  a.verdict = "failed";
  a.reason = subject + "/" + reason + " " + message;
  a.log = {{"subjectCode", subject}, {"reasonCode", reason}};
  return a;
}

Answer Es9Service::Handle(Function f, const std::string& body, bool es11_path) {
  Answer a;
  try {
    if (f == Function::kHandleNotification) return HandleNotification(body);
    if (!pki_) {
      a.status = 500;
      a.verdict = "rejected";
      a.reason = "download functions need --pki-dir";
      a.body = json{{"error", a.reason}}.dump();
      return a;
    }
    if (fail_.Take(FailMode::kFailed, f)) {
      a = Failed(o_.failed_subject, o_.failed_reason, "injected failure (--fail failed:" + o_.failed_subject + "/" +
                                                          o_.failed_reason + ")");
      a.verdict = "injected-failure";
      return a;
    }
    json in = json::parse(body, nullptr, false);
    if (in.is_discarded() || !in.is_object()) throw BadRequest{"body is not a JSON object"};
    switch (f) {
      case Function::kInitiateAuthentication: return InitiateAuthentication(in, es11_path);
      case Function::kAuthenticateClient: return AuthenticateClient(in);
      case Function::kGetBoundProfilePackage: return GetBoundProfilePackage(in);
      case Function::kCancelSession: return CancelSession(in);
      case Function::kHandleNotification: break;
    }
  } catch (const BadRequest& e) {
    a.status = 400;
    a.verdict = "rejected";
    a.reason = e.why;
    a.body = json{{"error", e.why}}.dump();
  }
  return a;
}

Answer Es9Service::InitiateAuthentication(const json& in, bool es11_path) {
  const Function f = Function::kInitiateAuthentication;
  // SGP.22's ES11 names the member smdsAddress; on the ES9+ path (lpac's ES11) it is smdpAddress.
  std::string address = Member(in, es11_path ? "smdsAddress" : "smdpAddress");
  Bytes challenge = Base64Member(in, "euiccChallenge");
  Bytes info1 = Base64Member(in, "euiccInfo1");
  if (challenge.size() != 16) throw BadRequest{"euiccChallenge is not 16 bytes"};
  auto info = ReadOnly(info1, 0xBF20);
  if (!info.ok()) throw BadRequest{"euiccInfo1 is not one BF20 element"};
  auto fields = Children(info1, *info);
  if (!fields.ok()) throw BadRequest{"euiccInfo1 is malformed"};
  // The address the LPA used, compared case-insensitively, with or without a ":PORT" (tests
  // reach the server on a free port); it is signed back exactly as sent.
  std::string host = Lower(address);
  if (size_t colon = host.rfind(':'); colon != std::string::npos && colon + 1 < host.size() &&
      std::all_of(host.begin() + static_cast<long>(colon) + 1, host.end(), ::isdigit))
    host.resize(colon);
  const bool smds = es11_path || (smds_ && o_.smds_paths != "es11" && host == Lower(o_.smds_address));
  const std::string& own = smds ? o_.smds_address : o_.address;
  if (host != Lower(own))
    return Failed(kAddressRefused.subject, kAddressRefused.reason,
                  std::string(smds ? "SM-DS" : "SM-DP+") + " address " + address + " is not " + own);
  auto signing = Find(*fields, 0xAA), verification = Find(*fields, 0xA9);
  if (!signing || !ListsKeyId(info1, *signing, pki_->ci_key_id))
    return Failed(kCiNotSupported.subject, kCiNotSupported.reason, "the eUICC does not sign with our CI " + ToHex(pki_->ci_key_id));
  if (!verification || !ListsKeyId(info1, *verification, pki_->ci_key_id))
    return Failed(kCiNoDpAuth.subject, kCiNoDpAuth.reason, "the eUICC does not verify with our CI " + ToHex(pki_->ci_key_id));

  Session s;
  s.transaction_id = RandomBytes(16);
  s.euicc_challenge = challenge;
  s.server_challenge = RandomBytes(16);
  s.server_address = address;
  s.smds = smds;
  Bytes signed1 = Wrap(0x30, Concat({Wrap(0x80, s.transaction_id), Wrap(0x81, challenge), Wrap(0x83, View(address)),
                                     Wrap(0x84, s.server_challenge)}));
  auto sig = SignRawEcdsaSha256(smds ? pki_->dsauth_key.get() : pki_->dpauth_key.get(), signed1);
  if (!sig.ok()) throw BadRequest{"signing failed: " + sig.status().message()};
  bool corrupt = fail_.Take(FailMode::kBadSignature, f);
  if (corrupt) (*sig)[5] ^= 0x01;
  std::string tid = ToHex(s.transaction_id);
  sessions_[tid] = std::move(s);
  Answer a = Success(f,
                     {{"serverSigned1", Base64(signed1)},
                      {"serverSignature1", Base64(Wrap(0x5F37, *sig))},
                      {"euiccCiPKIdToBeUsed", Base64(Wrap(0x04, pki_->ci_key_id))},
                      {"serverCertificate", Base64(smds ? pki_->dsauth_der : pki_->dpauth_der)}},
                     tid);
  a.log["role"] = smds ? "smds" : "smdp";
  if (corrupt) {
    a.verdict = "injected-failure";
    a.reason = "--fail bad-signature: serverSignature1 corrupted";
  }
  return a;
}

Answer Es9Service::AuthenticateClient(const json& in) {
  const Function f = Function::kAuthenticateClient;
  std::string tid = TransactionIdMember(in);
  Bytes der = Base64Member(in, "authenticateServerResponse");
  auto it = sessions_.find(tid);
  if (it == sessions_.end() || it->second.cancelled || it->second.authenticated)
    return Failed(kUnknownTransaction.subject, kUnknownTransaction.reason, "unknown transactionId");
  Session& s = it->second;
  auto outer = ReadOnly(der, 0xBF38);
  if (!outer.ok()) throw BadRequest{"authenticateServerResponse is not one BF38 element"};
  auto choice = Children(der, *outer);
  if (!choice.ok() || choice->size() != 1) throw BadRequest{"authenticateServerResponse is malformed"};
  if ((*choice)[0].tag == 0xA1) {
    auto err = Children(der, (*choice)[0]);
    int code = -1;
    if (err.ok())
      if (auto c = Find(*err, 0x02)) code = SmallUnsigned(Value(der, *c));
    return Failed(kEuiccVerification.subject, kEuiccVerification.reason,
                  "the eUICC refused the server: authenticateResponseError " + std::to_string(code));
  }
  auto ok = Children(der, (*choice)[0]);
  if ((*choice)[0].tag != 0xA0 || !ok.ok() || ok->size() < 4 || (*ok)[0].tag != 0x30 || (*ok)[1].tag != 0x5F37 ||
      (*ok)[2].tag != 0x30 || (*ok)[3].tag != 0x30)
    throw BadRequest{"authenticateResponseOk is not { euiccSigned1, euiccSignature1, euiccCertificate, eumCertificate }"};
  const Tlv& signed1 = (*ok)[0];
  auto fields = Children(der, signed1);
  if (!fields.ok()) throw BadRequest{"euiccSigned1 is malformed"};
  auto inner_tid = Find(*fields, 0x80), address = Find(*fields, 0x83), challenge = Find(*fields, 0x84);
  auto ctx = Find(*fields, 0xA0);
  if (!inner_tid || !address || !challenge || !ctx) throw BadRequest{"euiccSigned1 lacks a member"};
  if (ToHex(Value(der, *inner_tid)) != tid)
    return Failed(kUnknownTransaction.subject, kUnknownTransaction.reason, "euiccSigned1's transactionId differs");

  ByteView euicc_der = Whole(der, (*ok)[2]), eum_der = Whole(der, (*ok)[3]);
  auto euicc = certs::ParseDer(euicc_der);
  auto eum = certs::ParseDer(eum_der);
  if (!euicc.ok() || !eum.ok())
    return Failed(kEuiccCertificate.subject, kEuiccCertificate.reason, "euiccCertificate/eumCertificate is not a certificate");
  std::string eid = SubjectSerialNumber(euicc->get());
  if (Status chain = VerifyEuiccChain(euicc->get(), eum->get(), pki_->ci.get(), eid); !chain.ok())
    return Failed(kEuiccCertificate.subject, kEuiccCertificate.reason, chain.message());
  if (eid.size() != 32 || !std::all_of(eid.begin(), eid.end(), ::isdigit))
    return Failed(kEuiccCertificate.subject, kEuiccCertificate.reason, "the eUICC certificate's serialNumber is not a 32-digit EID");
  ByteView signature1 = Value(der, (*ok)[1]);
  if (Status v = VerifyEuiccSignature(euicc->get(), Whole(der, signed1), signature1, "euiccSigned1"); !v.ok())
    return Failed(kEuiccVerification.subject, kEuiccVerification.reason, v.message());
  ByteView got_challenge = Value(der, *challenge);
  if (!std::equal(got_challenge.begin(), got_challenge.end(), s.server_challenge.begin(), s.server_challenge.end()))
    return Failed(kEuiccVerification.subject, kEuiccVerification.reason, "serverChallenge differs");
  ByteView got_address = Value(der, *address);
  if (std::string(got_address.begin(), got_address.end()) != s.server_address)
    return Failed(kEuiccVerification.subject, kEuiccVerification.reason, "serverAddress differs");
  s.eid = eid;
  s.euicc_cert = std::move(*euicc);
  if (s.smds) {
    auto ctx_members = Children(der, *ctx);
    return SmdsEvents(s, eid, ctx_members.ok() && Find(*ctx_members, 0x80).has_value());
  }

  // ctxParams1 = A0 ctxParamsForCommonAuthentication { 80 matchingId?, A1 deviceInfo }.
  auto ctx_fields = Children(der, *ctx);
  std::string matching_id;
  if (ctx_fields.ok())
    if (auto m = Find(*ctx_fields, 0x80)) matching_id.assign(Value(der, *m).begin(), Value(der, *m).end());
  auto order_it = orders_.find(matching_id);
  if (matching_id.empty() || order_it == orders_.end())
    return Failed(kMatchingIdRefused.subject, kMatchingIdRefused.reason, "unknown matching ID");
  Order& order = order_it->second;
  auto with_order = [&](Answer a) {
    a.log["matchingId"] = matching_id;
    a.log["eid"] = eid;
    return a;
  };
  if (order.state == OrderState::kExpired)
    return with_order(Failed(kOrderExpired.subject, kOrderExpired.reason, "the order has expired"));
  if (order.state != OrderState::kReleased)
    return with_order(Failed(kMatchingIdRefused.subject, kMatchingIdRefused.reason,
                             std::string("the order is ") + OrderStateName(order.state)));
  if (order.eid && *order.eid != eid)
    return with_order(Failed(kEidMismatch.subject, kEidMismatch.reason, "the order is bound to another EID"));
  s.matching_id = matching_id;

  auto metadata = EncodeStoreMetadata(order);
  if (!metadata.ok()) throw BadRequest{"metadata: " + metadata.status().message()};
  bool cc = order.confirmation_code.has_value();
  Bytes signed2 = Wrap(0x30, Concat({Wrap(0x80, s.transaction_id), Wrap(0x01, Bytes{static_cast<uint8_t>(cc ? 0xFF : 0x00)})}));
  auto sig = SignRawEcdsaSha256(pki_->dppb_key.get(), Concat({signed2, Whole(der, (*ok)[1])}));
  if (!sig.ok()) throw BadRequest{"signing failed: " + sig.status().message()};
  bool corrupt = fail_.Take(FailMode::kBadSignature, f);
  if (corrupt) (*sig)[5] ^= 0x01;
  s.smdp_signature2_tlv = Wrap(0x5F37, *sig);
  s.authenticated = true;
  Answer a = Success(f,
                     {{"profileMetadata", Base64(*metadata)},
                      {"smdpSigned2", Base64(signed2)},
                      {"smdpSignature2", Base64(s.smdp_signature2_tlv)},
                      {"smdpCertificate", Base64(pki_->dppb_der)}},
                     tid);
  if (corrupt) {
    a.verdict = "injected-failure";
    a.reason = "--fail bad-signature: smdpSignature2 corrupted";
  }
  a.reason += std::string(a.reason.empty() ? "" : "; ") + (cc ? "confirmation code required" : "no confirmation code");
  return with_order(a);
}

// ES11 authenticateClient's answer: the events waiting for `eid` (SGP.22 eventEntries; none is
// an empty list). The SM-DS session ends here: nothing else can follow on it.
Answer Es9Service::SmdsEvents(Session& s, const std::string& eid, bool matching_id_sent) {
  s.authenticated = true;
  s.cancelled = true;
  json entries = json::array();
  if (auto it = smds_events_.find(eid); it != smds_events_.end())
    for (const SmdsEvent& e : it->second) entries.push_back({{"eventId", e.event_id}, {"rspServerAddress", e.rsp_server_address}});
  Answer a = Success(Function::kAuthenticateClient, {{"eventEntries", entries}}, ToHex(s.transaction_id));
  a.log["eid"] = eid;
  a.log["role"] = "smds";
  a.log["events"] = entries.size();
  a.log["matchingIdSent"] = matching_id_sent;
  return a;
}

Answer Es9Service::GetBoundProfilePackage(const json& in) {
  const Function f = Function::kGetBoundProfilePackage;
  std::string tid = TransactionIdMember(in);
  Bytes der = Base64Member(in, "prepareDownloadResponse");
  auto it = sessions_.find(tid);
  if (it == sessions_.end() || !it->second.authenticated || it->second.cancelled || it->second.bpp_built)
    return Failed(kUnknownTransaction.subject, kUnknownTransaction.reason, "unknown transactionId");
  Session& s = it->second;
  Order& order = orders_.at(s.matching_id);
  auto with_order = [&](Answer a) {
    a.log["matchingId"] = s.matching_id;
    a.log["eid"] = s.eid;
    if (a.verdict == "failed") s.refused = true;
    return a;
  };
  auto outer = ReadOnly(der, 0xBF21);
  if (!outer.ok()) throw BadRequest{"prepareDownloadResponse is not one BF21 element"};
  auto choice = Children(der, *outer);
  if (!choice.ok() || choice->size() != 1) throw BadRequest{"prepareDownloadResponse is malformed"};
  if ((*choice)[0].tag == 0xA1) {
    auto err = Children(der, (*choice)[0]);
    int code = -1;
    if (err.ok())
      if (auto c = Find(*err, 0x02)) code = SmallUnsigned(Value(der, *c));
    return with_order(Failed(kEuiccVerification.subject, kEuiccVerification.reason,
                             "the eUICC refused the download: downloadResponseError " + std::to_string(code)));
  }
  auto ok = Children(der, (*choice)[0]);
  if ((*choice)[0].tag != 0xA0 || !ok.ok() || ok->size() != 2 || (*ok)[0].tag != 0x30 || (*ok)[1].tag != 0x5F37)
    throw BadRequest{"downloadResponseOk is not { euiccSigned2, euiccSignature2 }"};
  const Tlv& signed2 = (*ok)[0];
  auto fields = Children(der, signed2);
  if (!fields.ok()) throw BadRequest{"euiccSigned2 is malformed"};
  auto inner_tid = Find(*fields, 0x80), otpk = Find(*fields, 0x5F49), hash_cc = Find(*fields, 0x04);
  if (!inner_tid || !otpk) throw BadRequest{"euiccSigned2 lacks transactionId or euiccOtpk"};
  if (Status v = VerifyEuiccSignature(s.euicc_cert.get(), Concat({Whole(der, signed2), s.smdp_signature2_tlv}),
                                      Value(der, (*ok)[1]), "euiccSigned2 and smdpSignature2");
      !v.ok())
    return with_order(Failed(kEuiccVerification.subject, kEuiccVerification.reason, v.message()));
  if (ToHex(Value(der, *inner_tid)) != tid)
    return with_order(Failed(kUnknownTransaction.subject, kUnknownTransaction.reason, "euiccSigned2's transactionId differs"));
  if (order.confirmation_code) {
    if (!hash_cc) return with_order(Failed(kCcMissing.subject, kCcMissing.reason, "confirmation code missing"));
    Bytes want = HashConfirmationCode(*order.confirmation_code, s.transaction_id);
    ByteView got = Value(der, *hash_cc);
    if (!std::equal(got.begin(), got.end(), want.begin(), want.end()))
      return with_order(Failed(kCcRefused.subject, kCcRefused.reason, "confirmation code refused"));
  }
  if (order.state != OrderState::kReleased)
    return with_order(Failed(kMatchingIdRefused.subject, kMatchingIdRefused.reason,
                             std::string("the order is ") + OrderStateName(order.state)));

  auto eid = FromHex(s.eid);
  auto metadata = EncodeStoreMetadata(order);
  if (!eid.ok() || !metadata.ok()) throw BadRequest{"EID or metadata cannot be encoded"};
  BppRequest r;
  r.transaction_id = s.transaction_id;
  ByteView otpk_value = Value(der, *otpk);
  r.euicc_otpk.assign(otpk_value.begin(), otpk_value.end());
  r.eid = *eid;
  static const std::string kHostId = "esimctl-testsmdp";  // 16 bytes
  r.host_id.assign(kHostId.begin(), kHostId.end());
  r.store_metadata = *metadata;
  r.profile_package = order.package;
  r.replace_session_keys = !o_.no_replace_session_keys;
  r.dppb_key = pki_->dppb_key.get();
  r.corrupt_smdp_sign = fail_.Take(FailMode::kBadSignature, f);
  if (fail_.Take(FailMode::kBadMac, f)) r.bad_mac_segment = o_.bad_mac_segment;
  auto bpp = BuildBpp(r);
  if (!bpp.ok()) {
    if (bpp.status().code() == ErrorCode::kInvalidInput)
      return with_order(Failed(kEuiccVerification.subject, kEuiccVerification.reason, "euiccOtpk: " + bpp.status().message()));
    throw BadRequest{"BPP: " + bpp.status().message()};
  }
  s.bpp_built = true;
  SetState(order, OrderState::kDownloaded, "BPP built", &s);
  if (o_.reusable_orders) SetState(order, OrderState::kReleased, "released again (--reusable-orders)", &s);
  Answer a = Success(f, {{"boundProfilePackage", Base64(bpp->der)}}, tid);
  std::string what = std::to_string(bpp->der.size()) + "-byte BPP, " + std::to_string(bpp->segments) + " segments (" +
                     std::to_string(bpp->segments86) + " x 86), " +
                     (r.replace_session_keys ? "with" : "without") + " ReplaceSessionKeys";
  if (r.corrupt_smdp_sign || r.bad_mac_segment != 0) {
    a.verdict = "injected-failure";
    a.reason = r.corrupt_smdp_sign ? "--fail bad-signature: smdpSign corrupted; "
                                   : "--fail " + o_.fail + ": segment MAC corrupted; ";
  }
  a.reason += what;
  return with_order(a);
}

Answer Es9Service::CancelSession(const json& in) {
  std::string tid = TransactionIdMember(in);
  Bytes der = Base64Member(in, "cancelSessionResponse");
  auto it = sessions_.find(tid);
  if (it == sessions_.end() || it->second.cancelled)
    return Failed(kUnknownTransaction.subject, kUnknownTransaction.reason, "unknown transactionId");
  Session& s = it->second;
  auto outer = ReadOnly(der, 0xBF41);
  if (!outer.ok()) throw BadRequest{"cancelSessionResponse is not one BF41 element"};
  auto choice = Children(der, *outer);
  if (!choice.ok() || choice->size() != 1) throw BadRequest{"cancelSessionResponse is malformed"};
  json extra = {{"matchingId", s.matching_id.empty() ? json(nullptr) : json(s.matching_id)}};
  if ((*choice)[0].tag != 0xA0) {
    // cancelSessionResponseError: the card had no session to cancel; ours ends anyway.
    s.cancelled = true;
    Answer a = Success(Function::kCancelSession, json::object(), tid);
    a.reason = "cancelSessionResponseError " + std::to_string(SmallUnsigned(Value(der, (*choice)[0])));
    a.log.update(extra);
    return a;
  }
  auto ok = Children(der, (*choice)[0]);
  if (!ok.ok() || ok->size() != 2 || (*ok)[0].tag != 0x30 || (*ok)[1].tag != 0x5F37)
    throw BadRequest{"cancelSessionResponseOk is not { euiccCancelSessionSigned, signature }"};
  auto fields = Children(der, (*ok)[0]);
  if (!fields.ok()) throw BadRequest{"euiccCancelSessionSigned is malformed"};
  // EuiccCancelSessionSigned has no explicit tags, so the module's AUTOMATIC TAGS make it
  // { 80 transactionId, 81 smdpOid, 82 reason } (asn1/RSPDefinitions.asn, the virtual eUICC);
  // the { 80, 06, 81 } reading some texts give is accepted too.
  auto inner_tid = Find(*fields, 0x80), oid = Find(*fields, 0x81), reason = Find(*fields, 0x82);
  if (!reason) {
    oid = Find(*fields, 0x06);
    reason = Find(*fields, 0x81);
  }
  if (!inner_tid || !oid || !reason) throw BadRequest{"euiccCancelSessionSigned lacks a member"};
  std::string checked = "signature not checked: no eUICC certificate yet in this session";
  if (s.euicc_cert) {
    if (Status v = VerifyEuiccSignature(s.euicc_cert.get(), Whole(der, (*ok)[0]), Value(der, (*ok)[1]),
                                        "euiccCancelSessionSigned");
        !v.ok()) {
      Answer a = Failed(kEuiccVerification.subject, kEuiccVerification.reason, v.message());
      a.log.update(extra);
      return a;
    }
    checked = "signature verified";
  }
  if (OidText(Value(der, *oid)) != pki_->oid) {
    Answer a = Failed(kOidInvalid.subject, kOidInvalid.reason, "smdpOid is not " + pki_->oid);
    a.log.update(extra);
    return a;
  }
  if (ToHex(Value(der, *inner_tid)) != tid) {
    Answer a = Failed(kUnknownTransaction.subject, kUnknownTransaction.reason, "the signed transactionId differs");
    a.log.update(extra);
    return a;
  }
  int code = SmallUnsigned(Value(der, *reason));
  std::string why = std::string(CancelReasonName(code)) + " (" + std::to_string(code) + ")";
  if (s.refused) {
    // The server itself refused this session (e.g. a wrong confirmation code): the LPA's cancel
    // that follows does not burn the order, so the user can try again.
    why += "; order kept: the session had been refused";
  } else if (!s.matching_id.empty()) {
    Order& order = orders_.at(s.matching_id);
    if (order.state == OrderState::kReleased || order.state == OrderState::kDownloaded) {
      SetState(order, OrderState::kCancelled, why, &s);
      // postponed keeps the order available, as most SM-DP+s do (download-facts §7).
      if (code == 1) SetState(order, OrderState::kReleased, "postponed: available again", &s);
    }
  }
  Answer a = Success(Function::kCancelSession, json::object(), tid);
  a.reason = why + "; " + checked;
  a.log.update(extra);
  // Kept (cancelled) so an install result that still arrives is verified and recorded.
  s.cancelled = true;
  return a;
}

Answer Es9Service::HandleNotification(const std::string& body) {
  Answer a;
  NotificationFacts facts;
  Status checked = CheckNotification(body, ci_, facts);
  a.log = {{"seqNumber", facts.seq < 0 ? json(nullptr) : json(facts.seq)},
           {"eid", facts.eid.empty() ? json(nullptr) : json(facts.eid)}};
  auto reject = [&](const std::string& why) {
    a.status = 400;
    a.verdict = "rejected";
    a.reason = why;
    a.body = json{{"error", why}}.dump();
    return a;
  };
  if (!checked.ok()) return reject(checked.message());
  if (fail_.Take(FailMode::kFailed, Function::kHandleNotification)) {
    Answer f = Failed(o_.failed_subject, o_.failed_reason, "injected failure");
    f.verdict = "injected-failure";
    f.log.update(a.log);
    return f;
  }
  a.status = 204;
  a.verdict = "accepted";
  if (!facts.install) {
    a.reason = "signature verified; chain " + facts.chain;
    return a;
  }
  const InstallResult& r = *facts.install;
  std::string tid = ToHex(r.transaction_id);
  a.log["transactionId"] = tid;
  auto it = sessions_.find(tid);
  if (it == sessions_.end()) {
    // No session (e.g. the server was restarted): nothing to verify the signature with; a real
    // SM-DP+ acknowledges such a notification too, so the card can drop it.
    a.reason = "install result for an unknown transactionId: not verified";
    return a;
  }
  Session& s = it->second;
  a.log["eid"] = s.eid;
  if (Status v = VerifyEuiccSignature(s.euicc_cert.get(), r.signed_data, r.signature, "the BF27 element"); !v.ok())
    return reject(v.message());
  a.log["matchingId"] = s.matching_id;
  auto order_it = orders_.find(s.matching_id);
  if (r.success) {
    a.reason = "install result: success, signature verified";
    if (order_it != orders_.end()) SetState(order_it->second, OrderState::kInstalled, "install notification: success", &s);
  } else {
    std::string why = "bppCommandId " + std::to_string(r.bpp_command_id) + " errorReason " +
                      std::to_string(r.error_reason) + " (" + InstallErrorName(r.error_reason) + ")";
    a.reason = "install result: " + why + ", signature verified";
    if (order_it != orders_.end()) SetState(order_it->second, OrderState::kInstallFailed, why, &s);
  }
  sessions_.erase(it);
  return a;
}

}  // namespace esim::smdp
