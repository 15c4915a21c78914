#include "tests/smdp/euicc_checks.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string_view>

#include "common/openssl_ptr.h"
#include "common/raw_ecdsa.h"
#include "tests/smdp/http.h"

namespace esim::smdp {
namespace {

using NameConstraintsPtr = std::unique_ptr<NAME_CONSTRAINTS, OpenSslFree<NAME_CONSTRAINTS_free>>;
// sk_X509_free is a macro in OpenSSL 3, so it cannot be a template argument; frees the stack only.
struct X509StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

std::string AsnText(ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

// SGP.22 reading of the EUM's name constraint: the eUICC's serialNumber (the EID) must start
// with a permitted subtree's serialNumber. Generic X.509 matching fails it, so it is done here.
Status CheckEidPrefix(X509* eum, const std::string& eid) {
  NameConstraintsPtr nc(static_cast<NAME_CONSTRAINTS*>(X509_get_ext_d2i(eum, NID_name_constraints, nullptr, nullptr)));
  if (!nc || !nc->permittedSubtrees) return Status::Ok();  // no constraint to apply
  for (int i = 0; i < sk_GENERAL_SUBTREE_num(nc->permittedSubtrees); ++i) {
    GENERAL_SUBTREE* st = sk_GENERAL_SUBTREE_value(nc->permittedSubtrees, i);
    if (st->base->type != GEN_DIRNAME) continue;
    X509_NAME* name = st->base->d.directoryName;
    int k = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
    if (k < 0) continue;
    std::string prefix = AsnText(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, k)));
    if (!prefix.empty() && eid.starts_with(prefix)) return Status::Ok();
  }
  return Status(ErrorCode::kInvalidInput, "EID " + eid + " is outside the EUM's permitted prefixes");
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
  X509StorePtr store(X509_STORE_new());
  if (!store || X509_STORE_add_cert(store.get(), ci) != 1)
    return Status(ErrorCode::kInternal, "X509_STORE: " + OpenSslError());
  // No clock (as on a card) and only the name-constraint error is tolerated: CheckEidPrefix
  // applies SGP.22's rule instead.
  X509_STORE_set_verify_cb(store.get(), [](int ok, X509_STORE_CTX* ctx) {
    int e = X509_STORE_CTX_get_error(ctx);
    return ok || e == X509_V_ERR_PERMITTED_VIOLATION || e == X509_V_ERR_CERT_HAS_EXPIRED ||
                   e == X509_V_ERR_CERT_NOT_YET_VALID ? 1 : 0;
  });
  X509StackPtr untrusted(sk_X509_new_null());
  if (!untrusted || sk_X509_push(untrusted.get(), eum) <= 0) return Status(ErrorCode::kInternal, "sk_X509_push");
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), euicc, untrusted.get()) != 1)
    return Status(ErrorCode::kInternal, "X509_STORE_CTX_init: " + OpenSslError());
  if (X509_verify_cert(ctx.get()) != 1) {
    int error = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return Status(ErrorCode::kInvalidInput,
                  std::string("certificate chain eUICC <- EUM <- CI: ") + X509_verify_cert_error_string(error));
  }
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  if (!chain || sk_X509_num(chain) != 3)
    return Status(ErrorCode::kInvalidInput, "chain is not exactly eUICC <- EUM <- CI");
  return CheckEidPrefix(eum, eid);
}

}  // namespace esim::smdp
