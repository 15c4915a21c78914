#include "common/certificate_checks.h"

#include <array>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace esim::certs {
namespace {

using StorePtr = std::unique_ptr<X509_STORE, CryptoFree<&CryptoLibrary::X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, CryptoFree<&CryptoLibrary::X509_STORE_CTX_free>>;
using PoliciesPtr = std::unique_ptr<CERTIFICATEPOLICIES, CryptoFree<&CryptoLibrary::CERTIFICATEPOLICIES_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, CryptoFree<&CryptoLibrary::GENERAL_NAMES_free>>;
using NameConstraintsPtr = std::unique_ptr<NAME_CONSTRAINTS, CryptoFree<&CryptoLibrary::NAME_CONSTRAINTS_free>>;

// A STACK_OF(X509) that does not own its certificates (OPENSSL_sk_free frees the stack only).
struct FreeStackOnly {
  void operator()(OPENSSL_STACK* stack) const { Crypto().OPENSSL_sk_free(stack); }
};
using UntrustedPtr = std::unique_ptr<OPENSSL_STACK, FreeStackOnly>;

// The sk_*_num / sk_*_value macros, spelled out (they would call libcrypto directly).
template <typename Stack>
int StackCount(const Stack* stack) {
  return stack == nullptr ? 0 : Crypto().OPENSSL_sk_num(reinterpret_cast<const OPENSSL_STACK*>(stack));
}
template <typename T, typename Stack>
T* StackAt(const Stack* stack, int i) {
  return static_cast<T*>(Crypto().OPENSSL_sk_value(reinterpret_cast<const OPENSSL_STACK*>(stack), i));
}

std::string_view StringOf(const ASN1_STRING* s) {
  return std::string_view(reinterpret_cast<const char*>(Crypto().ASN1_STRING_get0_data(s)),
                          static_cast<size_t>(Crypto().ASN1_STRING_length(s)));
}

std::string Dotted(const ASN1_OBJECT* object) {
  std::array<char, 128> text{};
  const int length = Crypto().OBJ_obj2txt(text.data(), static_cast<int>(text.size()), object, 1);
  if (length <= 0 || static_cast<size_t>(length) >= text.size()) return {};
  return std::string(text.data(), static_cast<size_t>(length));
}

// One extension decoded by OpenSSL, or null (absent, duplicated, or undecodable).
template <typename T>
T* Extension(X509* cert, int nid) {
  void* decoded = Crypto().X509_get_ext_d2i(cert, nid, nullptr, nullptr);
  Crypto().ERR_clear_error();
  return static_cast<T*>(decoded);
}

// SGP.22's reading of a directoryName name constraint (the EUM's): every attribute of the
// permitted name appears in the subject with the same value, except serialNumber, which the
// subject's serialNumber (the EID) only has to start with. X.509 would instead require the
// permitted name as a leading run of the subject's RDNs, which the GSMA PKI does not meet.
bool SubjectWithin(X509_NAME* subject, X509_NAME* permitted) {
  for (int i = 0; i < Crypto().X509_NAME_entry_count(permitted); ++i) {
    X509_NAME_ENTRY* wanted = Crypto().X509_NAME_get_entry(permitted, i);
    const ASN1_OBJECT* type = Crypto().X509_NAME_ENTRY_get_object(wanted);
    const std::string_view wanted_value = StringOf(Crypto().X509_NAME_ENTRY_get_data(wanted));
    const bool prefix = Crypto().OBJ_obj2nid(type) == NID_serialNumber;
    bool found = false;
    for (int k = 0; k < Crypto().X509_NAME_entry_count(subject) && !found; ++k) {
      X509_NAME_ENTRY* entry = Crypto().X509_NAME_get_entry(subject, k);
      if (Dotted(Crypto().X509_NAME_ENTRY_get_object(entry)) != Dotted(type)) continue;
      const std::string_view value = StringOf(Crypto().X509_NAME_ENTRY_get_data(entry));
      found = prefix ? value.starts_with(wanted_value) : value == wanted_value;
    }
    if (!found) return false;
  }
  return true;
}

// Set by the verify callback when OpenSSL reported an X.509 permitted-subtree violation, which
// CheckNameConstraints then judges by SGP.22's rule.
struct VerifyState {
  bool permitted_subtree_violation = false;
};

int ToleratePermittedSubtrees(int ok, X509_STORE_CTX* ctx) {
  if (ok == 1) return 1;
  if (Crypto().X509_STORE_CTX_get_error(ctx) != X509_V_ERR_PERMITTED_VIOLATION) return 0;
  auto* state = static_cast<VerifyState*>(Crypto().X509_STORE_CTX_get_ex_data(ctx, 0));
  if (state == nullptr) return 0;
  state->permitted_subtree_violation = true;
  return 1;
}

// Applies every CA's permitted directoryName subtrees of the verified `chain` (leaf first) to
// the certificates below it, by SGP.22's rule. Other permitted name types are only accepted
// when OpenSSL found them satisfied (no violation was tolerated).
Status CheckNameConstraints(const STACK_OF(X509)* chain, bool violation_tolerated) {
  for (int i = 1; i < StackCount(chain); ++i) {
    X509* ca = StackAt<X509>(chain, i);
    NameConstraintsPtr constraints(Extension<NAME_CONSTRAINTS>(ca, NID_name_constraints));
    if (!constraints || constraints->permittedSubtrees == nullptr) continue;
    std::vector<X509_NAME*> directory_names;
    for (int k = 0; k < StackCount(constraints->permittedSubtrees); ++k) {
      const GENERAL_SUBTREE* subtree = StackAt<GENERAL_SUBTREE>(constraints->permittedSubtrees, k);
      if (subtree->base->type == GEN_DIRNAME) {
        directory_names.push_back(subtree->base->d.directoryName);
      } else if (violation_tolerated) {
        return Status(ErrorCode::kInvalidInput, "permitted subtree violation (a name constraint SGP.22 does not use)");
      }
    }
    if (directory_names.empty()) continue;
    for (int below = 0; below < i; ++below) {
      X509_NAME* subject = Crypto().X509_get_subject_name(StackAt<X509>(chain, below));
      bool within = false;
      for (X509_NAME* permitted : directory_names) within = within || SubjectWithin(subject, permitted);
      if (!within) {
        return Status(ErrorCode::kInvalidInput,
                      "permitted subtree violation (subject outside the issuer's name constraint, e.g. an EID "
                      "without the EUM's prefix)");
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<X509Ptr> ParseDer(ByteView der) {
  const unsigned char* p = der.data();
  X509Ptr cert(Crypto().d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  Crypto().ERR_clear_error();
  if (!cert) return Status(ErrorCode::kInvalidInput, "not a DER X.509 certificate");
  if (p != der.data() + der.size()) return Status(ErrorCode::kInvalidInput, "bytes after the DER certificate");
  return cert;
}

Result<std::vector<X509Ptr>> LoadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIo, "cannot read " + path);
  const Bytes content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status(ErrorCode::kIo, "cannot read " + path);
  const std::string_view text(reinterpret_cast<const char*>(content.data()), content.size());
  std::vector<X509Ptr> certs;
  if (text.find("-----BEGIN") == std::string_view::npos) {
    Result<X509Ptr> cert = ParseDer(content);
    if (!cert.ok()) return cert.status().WithContext(path);
    certs.push_back(std::move(cert).value());
    return certs;
  }
  BioPtr bio(Crypto().BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
  if (!bio) return Status(ErrorCode::kInternal, "BIO_new_mem_buf");
  while (X509* cert = Crypto().PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) certs.emplace_back(cert);
  // The loop ends at the first block it cannot read: after the last certificate that is "no
  // start line"; anything else is a damaged certificate.
  const unsigned long last = Crypto().ERR_peek_last_error();
  Crypto().ERR_clear_error();
  if (last != 0 && ERR_GET_REASON(last) != PEM_R_NO_START_LINE) {
    return Status(ErrorCode::kInvalidInput, path + ": damaged PEM certificate");
  }
  if (certs.empty()) return Status(ErrorCode::kInvalidInput, path + ": no PEM certificate");
  return certs;
}

Result<Bytes> ToDer(X509* cert) {
  if (cert == nullptr) return Status(ErrorCode::kInvalidInput, "no certificate");
  const int length = Crypto().i2d_X509(cert, nullptr);
  if (length <= 0) return Status(ErrorCode::kInternal, "i2d_X509");
  Bytes der(static_cast<size_t>(length));
  unsigned char* p = der.data();
  if (Crypto().i2d_X509(cert, &p) != length) return Status(ErrorCode::kInternal, "i2d_X509");
  return der;
}

Result<Bytes> SubjectKeyId(X509* cert) {
  const ASN1_OCTET_STRING* id = cert ? Crypto().X509_get0_subject_key_id(cert) : nullptr;
  if (id == nullptr) return Status(ErrorCode::kInvalidInput, "certificate has no SubjectKeyIdentifier");
  const std::string_view bytes = StringOf(id);
  return Bytes(bytes.begin(), bytes.end());
}

Result<Bytes> AuthorityKeyId(X509* cert) {
  const ASN1_OCTET_STRING* id = cert ? Crypto().X509_get0_authority_key_id(cert) : nullptr;
  if (id == nullptr) return Status(ErrorCode::kInvalidInput, "certificate has no AuthorityKeyIdentifier keyIdentifier");
  const std::string_view bytes = StringOf(id);
  return Bytes(bytes.begin(), bytes.end());
}

bool HasPolicy(X509* cert, const char* oid) {
  if (cert == nullptr || oid == nullptr) return false;
  PoliciesPtr policies(Extension<CERTIFICATEPOLICIES>(cert, NID_certificate_policies));
  for (int i = 0; i < StackCount(policies.get()); ++i) {
    if (Dotted(StackAt<POLICYINFO>(policies.get(), i)->policyid) == oid) return true;
  }
  return false;
}

Result<std::string> RegisteredIdOid(X509* cert) {
  GeneralNamesPtr names(cert ? Extension<GENERAL_NAMES>(cert, NID_subject_alt_name) : nullptr);
  for (int i = 0; i < StackCount(names.get()); ++i) {
    const GENERAL_NAME* name = StackAt<GENERAL_NAME>(names.get(), i);
    if (name->type != GEN_RID) continue;
    std::string dotted = Dotted(name->d.registeredID);
    if (!dotted.empty()) return dotted;
  }
  return Status(ErrorCode::kInvalidInput, "certificate has no registeredID in subjectAltName");
}

Result<EvpPkeyPtr> PublicKey(X509* cert) {
  EvpPkeyPtr key(cert ? Crypto().X509_get_pubkey(cert) : nullptr);
  Crypto().ERR_clear_error();
  if (!key) return Status(ErrorCode::kInvalidInput, "certificate public key cannot be read");
  return key;
}

Status VerifyChain(X509* leaf, std::span<X509* const> intermediates, X509* root) {
  if (leaf == nullptr || root == nullptr) return Status(ErrorCode::kInvalidInput, "no certificate to verify");
  StorePtr store(Crypto().X509_STORE_new());
  if (!store || Crypto().X509_STORE_add_cert(store.get(), root) != 1) {
    Crypto().ERR_clear_error();
    return Status(ErrorCode::kInternal, "X509_STORE");
  }
  UntrustedPtr untrusted(Crypto().OPENSSL_sk_new_null());
  if (!untrusted) return Status(ErrorCode::kInternal, "OPENSSL_sk_new_null");
  for (X509* cert : intermediates) {
    if (cert != nullptr && Crypto().OPENSSL_sk_push(untrusted.get(), cert) <= 0) {
      return Status(ErrorCode::kInternal, "OPENSSL_sk_push");
    }
  }
  StoreCtxPtr ctx(Crypto().X509_STORE_CTX_new());
  VerifyState state;
  if (!ctx ||
      Crypto().X509_STORE_CTX_init(ctx.get(), store.get(), leaf, reinterpret_cast<STACK_OF(X509)*>(untrusted.get())) != 1 ||
      Crypto().X509_STORE_CTX_set_ex_data(ctx.get(), 0, &state) != 1) {
    Crypto().ERR_clear_error();
    return Status(ErrorCode::kInternal, "X509_STORE_CTX_init");
  }
  // No clock on an eUICC; the root is the only trust anchor (partial chains stay off).
  Crypto().X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_NO_CHECK_TIME);
  Crypto().X509_STORE_CTX_set_verify_cb(ctx.get(), &ToleratePermittedSubtrees);
  const int verified = Crypto().X509_verify_cert(ctx.get());
  const int error = Crypto().X509_STORE_CTX_get_error(ctx.get());
  Crypto().ERR_clear_error();
  if (verified != 1) return Status(ErrorCode::kInvalidInput, Crypto().X509_verify_cert_error_string(error));
  return CheckNameConstraints(Crypto().X509_STORE_CTX_get0_chain(ctx.get()), state.permitted_subtree_violation);
}

}  // namespace esim::certs
