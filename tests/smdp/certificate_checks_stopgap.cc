// STOPGAP until common/certificate_checks.cc lands from branch dl-crypto: the same contract
// (common/certificate_checks.h) with libcrypto linked directly. CMake compiles this file only
// while common/certificate_checks.cc does not exist; delete it once that is merged.
#include "common/certificate_checks.h"

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <iterator>

namespace esim::certs {

Result<X509Ptr> ParseDer(ByteView der) {
  const unsigned char* p = der.data();
  X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  ERR_clear_error();
  if (!cert || p != der.data() + der.size()) return Status(ErrorCode::kInvalidInput, "not one DER certificate");
  return cert;
}

Result<std::vector<X509Ptr>> LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIo, "cannot read " + path);
  std::string data((std::istreambuf_iterator<char>(in)), {});
  std::vector<X509Ptr> out;
  if (data.find("-----BEGIN") != std::string::npos) {
    std::unique_ptr<BIO, OpenSslFree<BIO_free_all>> bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    while (X509* c = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(c);
    ERR_clear_error();
  } else {
    ESIM_ASSIGN_OR_RETURN(X509Ptr c, ParseDer(ByteView(reinterpret_cast<const uint8_t*>(data.data()), data.size())));
    out.push_back(std::move(c));
  }
  if (out.empty()) return Status(ErrorCode::kInvalidInput, path + " holds no certificate");
  return out;
}

Result<Bytes> ToDer(X509* cert) {
  int n = i2d_X509(cert, nullptr);
  if (n <= 0) return Status(ErrorCode::kInternal, "i2d_X509");
  Bytes out(static_cast<size_t>(n));
  unsigned char* p = out.data();
  i2d_X509(cert, &p);
  return out;
}

Result<Bytes> SubjectKeyId(X509* cert) {
  const ASN1_OCTET_STRING* id = X509_get0_subject_key_id(cert);
  if (!id) return Status(ErrorCode::kInvalidInput, "no SubjectKeyIdentifier");
  return Bytes(ASN1_STRING_get0_data(id), ASN1_STRING_get0_data(id) + ASN1_STRING_length(id));
}

Result<Bytes> AuthorityKeyId(X509* cert) {
  const ASN1_OCTET_STRING* id = X509_get0_authority_key_id(cert);
  if (!id) return Status(ErrorCode::kInvalidInput, "no AuthorityKeyIdentifier");
  return Bytes(ASN1_STRING_get0_data(id), ASN1_STRING_get0_data(id) + ASN1_STRING_length(id));
}

bool HasPolicy(X509* cert, const char* oid) {
  std::unique_ptr<CERTIFICATEPOLICIES, OpenSslFree<CERTIFICATEPOLICIES_free>> policies(
      static_cast<CERTIFICATEPOLICIES*>(X509_get_ext_d2i(cert, NID_certificate_policies, nullptr, nullptr)));
  if (!policies) return false;
  for (int i = 0; i < sk_POLICYINFO_num(policies.get()); ++i) {
    char buf[80];
    OBJ_obj2txt(buf, sizeof buf, sk_POLICYINFO_value(policies.get(), i)->policyid, 1);
    if (std::string(buf) == oid) return true;
  }
  return false;
}

Result<std::string> RegisteredIdOid(X509* cert) {
  std::unique_ptr<GENERAL_NAMES, OpenSslFree<GENERAL_NAMES_free>> names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (names) {
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
      GENERAL_NAME* n = sk_GENERAL_NAME_value(names.get(), i);
      if (n->type != GEN_RID) continue;
      char buf[80];
      OBJ_obj2txt(buf, sizeof buf, n->d.registeredID, 1);
      return std::string(buf);
    }
  }
  return Status(ErrorCode::kInvalidInput, "no registeredID in subjectAltName");
}

Result<EvpPkeyPtr> PublicKey(X509* cert) {
  EvpPkeyPtr key(X509_get_pubkey(cert));
  if (!key) return Status(ErrorCode::kInvalidInput, "no public key");
  return key;
}

Status VerifyChain(X509* leaf, std::span<X509* const> intermediates, X509* root) {
  X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), root);
  X509_STORE_set_verify_cb(store.get(), [](int ok, X509_STORE_CTX* ctx) {
    int e = X509_STORE_CTX_get_error(ctx);
    return ok || e == X509_V_ERR_CERT_HAS_EXPIRED || e == X509_V_ERR_CERT_NOT_YET_VALID ||
                   e == X509_V_ERR_PERMITTED_VIOLATION ? 1 : 0;
  });
  STACK_OF(X509)* chain = sk_X509_new_null();
  for (X509* c : intermediates) sk_X509_push(chain, c);
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  X509_STORE_CTX_init(ctx.get(), store.get(), leaf, chain);
  int ok = X509_verify_cert(ctx.get());
  int error = X509_STORE_CTX_get_error(ctx.get());
  sk_X509_free(chain);
  ERR_clear_error();
  if (ok != 1) return Status(ErrorCode::kInvalidInput, X509_verify_cert_error_string(error));
  return Status::Ok();
}

}  // namespace esim::certs
