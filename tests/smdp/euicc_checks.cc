#include "tests/smdp/euicc_checks.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>
#include <string_view>

#include "common/certificate_checks.h"
#include "common/openssl_ptr.h"
#include "common/raw_ecdsa.h"

namespace esim::smdp {
namespace {

std::string AsnText(ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

}  // namespace

Result<Bytes> DecodeBase64Strict(const std::string& text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (text.empty() || text.size() % 4 != 0)
    return Status(ErrorCode::kInvalidInput, "base64 length is not a positive multiple of 4");
  size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  for (size_t i = 0; i < text.size() - pad; ++i)
    if (kAlphabet.find(text[i]) == std::string_view::npos)
      return Status(ErrorCode::kInvalidInput, "invalid base64 character at offset " + std::to_string(i));
  size_t last = kAlphabet.find(text[text.size() - pad - 1]);
  if ((pad == 2 && (last & 0x0F) != 0) || (pad == 1 && (last & 0x03) != 0))
    return Status(ErrorCode::kInvalidInput, "non-canonical base64 padding bits");
  Bytes out(text.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return Status(ErrorCode::kInvalidInput, "base64 does not decode");
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string SubjectSerialNumber(X509* cert) {
  X509_NAME* name = X509_get_subject_name(cert);
  int i = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
  if (i < 0) return {};
  return AsnText(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
}

Status VerifyEuiccSignature(X509* cert, ByteView tbs, ByteView rs, const std::string& what) {
  if (rs.size() != 64) return Status(ErrorCode::kInvalidInput, what + ": signature is not 64 bytes r||s");
  EvpPkeyPtr key(X509_get_pubkey(cert));
  if (!key || !EVP_PKEY_is_a(key.get(), "EC"))
    return Status(ErrorCode::kInvalidInput, "eUICC certificate has no EC public key");
  if (!esim::VerifyRawEcdsaSha256(key.get(), tbs, rs))
    return Status(ErrorCode::kInvalidInput, "eUICC signature does not verify over " + what);
  return Status::Ok();
}

Status VerifyEuiccChain(X509* euicc, X509* eum, X509* ci, const std::string& eid) {
  if (!certs::HasPolicy(euicc, certs::kPolicyEuicc))
    return Status(ErrorCode::kInvalidInput, "the eUICC certificate lacks the CERT.EUICC policy");
  if (!certs::HasPolicy(eum, certs::kPolicyEum))
    return Status(ErrorCode::kInvalidInput, "the EUM certificate lacks the CERT.EUM policy");
  if (SubjectSerialNumber(euicc) != eid)
    return Status(ErrorCode::kInvalidInput, "the EID is not the eUICC certificate's serialNumber");
  X509* intermediates[] = {eum};
  Status chained = certs::VerifyChain(euicc, intermediates, ci);
  if (!chained.ok()) return chained.WithContext("certificate chain eUICC <- EUM <- CI");
  return Status::Ok();
}

}  // namespace esim::smdp
