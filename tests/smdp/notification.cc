#include "tests/smdp/notification.h"

#include <nlohmann/json.hpp>

#include <variant>

#include "asn1/es10_codec.h"
#include "asn1/messages.h"
#include "common/openssl_ptr.h"
#include "tests/smdp/euicc_checks.h"
#include "tests/smdp/tlv.h"

namespace esim::smdp {
namespace {

X509Ptr ParseDerCert(const Bytes& der) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (cert && p != der.data() + der.size()) cert.reset();  // trailing bytes: not one certificate
  return cert;
}

}  // namespace

Result<InstallResult> ParseInstallResult(ByteView der, int64_t* seq) {
  auto bad = [](const std::string& why) { return Status(ErrorCode::kInvalidInput, "ProfileInstallationResult: " + why); };
  ESIM_ASSIGN_OR_RETURN(Tlv outer, ReadOnly(der, 0xBF37));
  ESIM_ASSIGN_OR_RETURN(auto parts, Children(der, outer));
  auto data = Find(parts, 0xBF27);
  auto sig = Find(parts, 0x5F37);
  if (!data || !sig) return bad("no BF27 data or no 5F37 signature");
  InstallResult r;
  ByteView whole = Whole(der, *data);
  r.signed_data.assign(whole.begin(), whole.end());
  ByteView s = Value(der, *sig);
  r.signature.assign(s.begin(), s.end());
  ESIM_ASSIGN_OR_RETURN(auto fields, Children(der, *data));
  auto tid = Find(fields, 0x80);
  auto meta = Find(fields, 0xBF2F);
  auto result = Find(fields, 0xA2);
  if (!tid || !meta || !result) return bad("BF27 lacks transactionId, notificationMetadata or finalResult");
  ByteView t = Value(der, *tid);
  r.transaction_id.assign(t.begin(), t.end());
  ESIM_ASSIGN_OR_RETURN(auto meta_fields, Children(der, *meta));
  if (auto sq = Find(meta_fields, 0x80); sq && seq) *seq = SmallUnsigned(Value(der, *sq));
  ESIM_ASSIGN_OR_RETURN(auto final_result, Children(der, *result));
  if (final_result.size() != 1) return bad("finalResult is not one choice");
  if (final_result[0].tag == 0xA0) {
    r.success = true;
  } else if (final_result[0].tag == 0xA1) {
    ESIM_ASSIGN_OR_RETURN(auto err, Children(der, final_result[0]));
    auto cmd = Find(err, 0x80);
    auto reason = Find(err, 0x81);
    if (!cmd || !reason) return bad("errorResult lacks bppCommandId or errorReason");
    r.bpp_command_id = SmallUnsigned(Value(der, *cmd));
    r.error_reason = SmallUnsigned(Value(der, *reason));
  } else {
    return bad("finalResult is neither success (A0) nor error (A1)");
  }
  return r;
}

Status CheckNotification(const std::string& body, X509* ci, NotificationFacts& v) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Status(ErrorCode::kInvalidInput, "body is not JSON");
  if (!json.is_object() || !json.contains("pendingNotification") || !json["pendingNotification"].is_string())
    return Status(ErrorCode::kInvalidInput, "body has no string member pendingNotification");
  ESIM_ASSIGN_OR_RETURN(Bytes der, DecodeBase64Strict(json["pendingNotification"].get<std::string>()));
  if (der.size() >= 2 && der[0] == 0xBF && der[1] == 0x37) {
    ESIM_ASSIGN_OR_RETURN(InstallResult r, ParseInstallResult(der, &v.seq));
    v.install = std::move(r);
    return Status::Ok();
  }
  auto decoded = es10::Decode<es10::PendingNotification>(der);
  if (!decoded.ok()) return Status(ErrorCode::kInvalidInput, "not a PendingNotification: " + decoded.status().message());
  v.seq = decoded->metadata().seqNumber;
  const auto* other = std::get_if<es10::OtherSignedNotification>(&decoded->value);
  if (!other) return Status(ErrorCode::kInvalidInput, "not an otherSignedNotification");
  // The signed bytes are the BF2F element exactly as received: re-encoding could differ.
  ESIM_ASSIGN_OR_RETURN(Tlv outer, ReadTlv(der, 0));
  ESIM_ASSIGN_OR_RETURN(Tlv tbs, ReadTlv(der, outer.value_begin));
  if (outer.tag != 0x30 || tbs.tag != 0xBF2F || outer.end != der.size())
    return Status(ErrorCode::kInvalidInput, "otherSignedNotification does not start with BF2F");
  ByteView tbs_der(der.data() + outer.value_begin, tbs.end - outer.value_begin);

  X509Ptr euicc = ParseDerCert(other->euiccCertificate);
  X509Ptr eum = ParseDerCert(other->eumCertificate);
  if (!euicc) return Status(ErrorCode::kInvalidInput, "euiccCertificate is not a DER certificate");
  if (!eum) return Status(ErrorCode::kInvalidInput, "eumCertificate is not a DER certificate");
  v.eid = SubjectSerialNumber(euicc.get());
  ESIM_RETURN_IF_ERROR(VerifyEuiccSignature(euicc.get(), tbs_der, other->euiccNotificationSignature, "the BF2F element"));
  if (ci) {
    ESIM_RETURN_IF_ERROR(VerifyEuiccChain(euicc.get(), eum.get(), ci, v.eid));
    v.chain = "verified";
  } else {
    v.chain = "not checked: no --ci-cert";
  }
  return Status::Ok();
}

}  // namespace esim::smdp
