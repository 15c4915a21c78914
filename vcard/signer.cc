// OpenSSL (libcrypto, EVP) implementation of NotificationSigner and the test chain.
#include "vcard/signer.h"

#include "common/openssl_ptr.h"
#include "common/raw_ecdsa.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace esim::vcard {
namespace {

template <auto Member>
using Free = CryptoFree<Member>;
using PkeyPtr = EvpPkeyPtr;
using SigPtr = EcdsaSigPtr;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Free<&CryptoLibrary::X509_EXTENSION_free>>;

std::string OpenSslError() {
  unsigned long code = Crypto().ERR_get_error();
  Crypto().ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  Crypto().ERR_error_string_n(code, buf, sizeof buf);
  return buf;
}

Status CryptoError(const std::string& what) {
  return Status(ErrorCode::kInternal, what + ": " + OpenSslError());
}

Result<Bytes> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIo, path + ": cannot read: " + std::strerror(errno));
  std::stringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  return Bytes(text.begin(), text.end());
}

// Writes `data` to a new file with `mode`; never widens an existing file's permissions.
Status WriteFile(const std::string& path, ByteView data, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Status(ErrorCode::kIo, path + ": cannot create: " + std::strerror(errno));
  ::fchmod(fd, mode);
  bool ok = ::write(fd, data.data(), data.size()) == static_cast<ssize_t>(data.size()) && ::fsync(fd) == 0;
  ok = (::close(fd) == 0) && ok;
  if (!ok) return Status(ErrorCode::kIo, path + ": write failed: " + std::strerror(errno));
  return Status::Ok();
}

Result<PkeyPtr> ParseKey(ByteView pem, const std::string& source) {
  BioPtr bio(Crypto().BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(Crypto().PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Status(ErrorCode::kInvalidInput, source + ": not a PEM private key: " + OpenSslError());
  if (Crypto().EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC || Crypto().EVP_PKEY_get_bits(key.get()) != 256) {
    return Status(ErrorCode::kInvalidInput, source + ": not an EC P-256 key");
  }
  return key;
}

Result<X509Ptr> ParseCert(ByteView data, const std::string& source) {
  X509Ptr cert;
  if (!data.empty() && data[0] == 0x30) {
    const unsigned char* p = data.data();
    cert.reset(Crypto().d2i_X509(nullptr, &p, static_cast<long>(data.size())));
  } else {
    BioPtr bio(Crypto().BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    cert.reset(Crypto().PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  }
  if (!cert) return Status(ErrorCode::kInvalidInput, source + ": not an X.509 certificate: " + OpenSslError());
  return cert;
}

Result<Bytes> CertDer(X509* cert) {
  int len = Crypto().i2d_X509(cert, nullptr);
  if (len <= 0) return CryptoError("i2d_X509");
  Bytes out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  Crypto().i2d_X509(cert, &p);
  return out;
}

Result<Bytes> KeyPem(EVP_PKEY* key) {
  BioPtr bio(Crypto().BIO_new(Crypto().BIO_s_mem()));
  if (!Crypto().PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) {
    return CryptoError("PEM_write_bio_PrivateKey");
  }
  char* data = nullptr;
  long len = Crypto().BIO_ctrl(bio.get(), BIO_CTRL_INFO, 0, reinterpret_cast<char*>(&data));  // BIO_get_mem_data
  return Bytes(data, data + len);
}

Result<PkeyPtr> NewKey() {
  PkeyPtr key(Crypto().EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return CryptoError("EC key generation");
  return key;
}

struct Subject {
  const char* organization;
  const char* common_name;
  std::string serial_number;  // the EID for an eUICC certificate
};

Status AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  Crypto().X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  ExtPtr ext(Crypto().X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || !Crypto().X509_add_ext(cert, ext.get(), -1)) return CryptoError(std::string("extension ") + value);
  return Status::Ok();
}

// certificatePolicies with one policy: the SGP.22 role (built directly: the text form
// of this extension wants an OpenSSL config database).
Status AddPolicy(X509* cert, const char* oid) {
  std::unique_ptr<CERTIFICATEPOLICIES, Free<&CryptoLibrary::CERTIFICATEPOLICIES_free>> policies(Crypto().CERTIFICATEPOLICIES_new());
  POLICYINFO* info = Crypto().POLICYINFO_new();
  if (!policies || !info) return CryptoError("POLICYINFO_new");
  info->policyid = Crypto().OBJ_txt2obj(oid, 1);
  if (!info->policyid || !Crypto().OPENSSL_sk_push(reinterpret_cast<OPENSSL_STACK*>(policies.get()), info)) {
    Crypto().POLICYINFO_free(info);
    return CryptoError("certificate policy");
  }
  if (Crypto().X509_add1_ext_i2d(cert, NID_certificate_policies, policies.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return CryptoError("certificatePolicies");
  }
  return Status::Ok();
}

// Issues a certificate for `key` signed by `issuer_key` (self-signed when issuer is null).
Result<X509Ptr> Issue(EVP_PKEY* key, const Subject& subject, X509* issuer, EVP_PKEY* issuer_key,
                      const char* not_after, const char* policy_oid,
                      std::initializer_list<std::pair<int, const char*>> extensions) {
  X509Ptr cert(Crypto().X509_new());
  if (!cert) return CryptoError("X509_new");
  Crypto().X509_set_version(cert.get(), 2);
  unsigned char serial[8];
  if (Crypto().RAND_bytes(serial, sizeof serial) != 1) return CryptoError("RAND_bytes");
  serial[0] &= 0x7F;
  BnPtr bn(Crypto().BN_bin2bn(serial, sizeof serial, nullptr));
  Crypto().BN_to_ASN1_INTEGER(bn.get(), Crypto().X509_get_serialNumber(cert.get()));
  X509_NAME* name = Crypto().X509_get_subject_name(cert.get());
  auto add = [&](const char* field, const std::string& v) {
    Crypto().X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(v.c_str()), -1, -1, 0);  // NOLINT
  };
  add("O", subject.organization);
  if (!subject.serial_number.empty()) add("serialNumber", subject.serial_number);
  add("CN", subject.common_name);
  Crypto().X509_set_issuer_name(cert.get(), issuer ? Crypto().X509_get_subject_name(issuer) : name);
  Crypto().X509_gmtime_adj(Crypto().X509_getm_notBefore(cert.get()), -24 * 3600);
  if (!Crypto().ASN1_TIME_set_string_X509(Crypto().X509_getm_notAfter(cert.get()), not_after)) return CryptoError("notAfter");
  Crypto().X509_set_pubkey(cert.get(), key);
  X509* issuer_cert = issuer ? issuer : cert.get();
  ESIM_RETURN_IF_ERROR(AddExtension(cert.get(), issuer_cert, NID_subject_key_identifier, "hash"));
  ESIM_RETURN_IF_ERROR(AddExtension(cert.get(), issuer_cert, NID_authority_key_identifier, "keyid:always"));
  for (auto [nid, value] : extensions) ESIM_RETURN_IF_ERROR(AddExtension(cert.get(), issuer_cert, nid, value));
  ESIM_RETURN_IF_ERROR(AddPolicy(cert.get(), policy_oid));
  if (Crypto().X509_sign(cert.get(), issuer_key ? issuer_key : key, Crypto().EVP_sha256()) <= 0) return CryptoError("X509_sign");
  return cert;
}

struct Chain {
  Bytes euicc_key_pem;
  Bytes euicc_cert;
  Bytes eum_cert;
  std::vector<std::pair<std::string, Bytes>> files;  // name -> content, keys marked by ".pem"
};

// CI -> EUM -> eUICC with the SGP.22 role policies (id-rspRole-ci/eum/euicc).
Result<Chain> CreateChain(const std::string& eid) {
  ESIM_ASSIGN_OR_RETURN(PkeyPtr ci_key, NewKey());
  ESIM_ASSIGN_OR_RETURN(PkeyPtr eum_key, NewKey());
  ESIM_ASSIGN_OR_RETURN(PkeyPtr euicc_key, NewKey());
  ESIM_ASSIGN_OR_RETURN(
      X509Ptr ci, Issue(ci_key.get(), {"esimctl virtual test", "esimctl Virtual Test CI", ""}, nullptr, nullptr,
                        "20991231235959Z", "2.23.146.1.2.1.0",
                        {{NID_basic_constraints, "critical,CA:TRUE"},
                         {NID_key_usage, "critical,keyCertSign,cRLSign"}}));
  ESIM_ASSIGN_OR_RETURN(
      X509Ptr eum, Issue(eum_key.get(), {"esimctl virtual test", "esimctl Virtual Test EUM", ""}, ci.get(),
                         ci_key.get(), "20991231235959Z", "2.23.146.1.2.1.2",
                         {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                          {NID_key_usage, "critical,keyCertSign"}}));
  ESIM_ASSIGN_OR_RETURN(
      X509Ptr euicc, Issue(euicc_key.get(), {"esimctl virtual test", "esimctl Virtual eUICC", eid}, eum.get(),
                           eum_key.get(), "99991231235959Z", "2.23.146.1.2.1.1",
                           {{NID_key_usage, "critical,digitalSignature"}}));
  Chain chain;
  ESIM_ASSIGN_OR_RETURN(chain.euicc_key_pem, KeyPem(euicc_key.get()));
  ESIM_ASSIGN_OR_RETURN(chain.euicc_cert, CertDer(euicc.get()));
  ESIM_ASSIGN_OR_RETURN(chain.eum_cert, CertDer(eum.get()));
  ESIM_ASSIGN_OR_RETURN(Bytes ci_der, CertDer(ci.get()));
  ESIM_ASSIGN_OR_RETURN(Bytes ci_pem, KeyPem(ci_key.get()));
  ESIM_ASSIGN_OR_RETURN(Bytes eum_pem, KeyPem(eum_key.get()));
  chain.files = {{"ci-key.pem", ci_pem},          {"ci-cert.der", ci_der},
                 {"eum-key.pem", eum_pem},        {"eum-cert.der", chain.eum_cert},
                 {"euicc-key.pem", chain.euicc_key_pem}, {"euicc-cert.der", chain.euicc_cert}};
  return chain;
}

}  // namespace

struct NotificationSigner::Key {
  PkeyPtr pkey;
};

NotificationSigner::NotificationSigner(std::unique_ptr<Key> key, Bytes euicc_cert, Bytes eum_cert)
    : key_(std::move(key)), euicc_cert_(std::move(euicc_cert)), eum_cert_(std::move(eum_cert)) {}

NotificationSigner::~NotificationSigner() = default;

Result<std::unique_ptr<NotificationSigner>> NotificationSigner::FromFiles(const CredentialFiles& files) {
  ESIM_ASSIGN_OR_RETURN(Bytes key_pem, ReadFile(files.euicc_key));
  ESIM_ASSIGN_OR_RETURN(Bytes euicc_raw, ReadFile(files.euicc_certificate));
  ESIM_ASSIGN_OR_RETURN(Bytes eum_raw, ReadFile(files.eum_certificate));
  ESIM_ASSIGN_OR_RETURN(PkeyPtr key, ParseKey(key_pem, files.euicc_key));
  ESIM_ASSIGN_OR_RETURN(X509Ptr euicc, ParseCert(euicc_raw, files.euicc_certificate));
  ESIM_ASSIGN_OR_RETURN(X509Ptr eum, ParseCert(eum_raw, files.eum_certificate));
  if (Crypto().X509_check_private_key(euicc.get(), key.get()) != 1) {
    Crypto().ERR_clear_error();
    return Status(ErrorCode::kInvalidInput,
                  files.euicc_key + ": key does not match the certificate " + files.euicc_certificate);
  }
  ESIM_ASSIGN_OR_RETURN(Bytes euicc_der, CertDer(euicc.get()));
  ESIM_ASSIGN_OR_RETURN(Bytes eum_der, CertDer(eum.get()));
  auto k = std::make_unique<Key>();
  k->pkey = std::move(key);
  return std::unique_ptr<NotificationSigner>(new NotificationSigner(std::move(k), euicc_der, eum_der));
}

Result<std::unique_ptr<NotificationSigner>> NotificationSigner::TestChain(const std::string& dir,
                                                                         const std::string& eid) {
  namespace fs = std::filesystem;
  if (!dir.empty()) {
    CredentialFiles files{(fs::path(dir) / "euicc-key.pem").string(), (fs::path(dir) / "euicc-cert.der").string(),
                          (fs::path(dir) / "eum-cert.der").string()};
    std::error_code ec;
    if (fs::exists(files.euicc_key, ec)) return FromFiles(files);
  }
  ESIM_ASSIGN_OR_RETURN(Chain chain, CreateChain(eid));
  if (!dir.empty()) {
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return Status(ErrorCode::kIo, dir + ": cannot create: " + std::strerror(errno));
    }
    // The key file last: its presence marks a complete chain for the next run.
    std::sort(chain.files.begin(), chain.files.end(),
              [](const auto& a, const auto& b) { return (a.first == "euicc-key.pem") < (b.first == "euicc-key.pem"); });
    for (const auto& [name, content] : chain.files) {
      bool secret = name.ends_with("-key.pem");
      ESIM_RETURN_IF_ERROR(WriteFile((fs::path(dir) / name).string(), content, secret ? 0600 : 0644));
    }
  }
  ESIM_ASSIGN_OR_RETURN(PkeyPtr key, ParseKey(chain.euicc_key_pem, "generated key"));
  auto k = std::make_unique<Key>();
  k->pkey = std::move(key);
  return std::unique_ptr<NotificationSigner>(new NotificationSigner(std::move(k), chain.euicc_cert, chain.eum_cert));
}

Result<Bytes> NotificationSigner::Sign(ByteView data) const {
  MdCtxPtr ctx(Crypto().EVP_MD_CTX_new());
  if (!ctx || Crypto().EVP_DigestSignInit(ctx.get(), nullptr, Crypto().EVP_sha256(), nullptr, key_->pkey.get()) != 1) {
    return CryptoError("EVP_DigestSignInit");
  }
  size_t len = 0;
  if (Crypto().EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1) return CryptoError("EVP_DigestSign");
  Bytes der_sig(len);
  if (Crypto().EVP_DigestSign(ctx.get(), der_sig.data(), &len, data.data(), data.size()) != 1) {
    return CryptoError("EVP_DigestSign");
  }
  // OpenSSL yields an X9.62 DER SEQUENCE { r, s }; SGP.22 wants the plain r||s form.
  const unsigned char* p = der_sig.data();
  SigPtr sig(Crypto().d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len)));
  if (!sig) return CryptoError("d2i_ECDSA_SIG");
  Bytes out(64);
  if (Crypto().BN_bn2binpad(Crypto().ECDSA_SIG_get0_r(sig.get()), out.data(), 32) != 32 ||
      Crypto().BN_bn2binpad(Crypto().ECDSA_SIG_get0_s(sig.get()), out.data() + 32, 32) != 32) {
    return CryptoError("BN_bn2binpad");
  }
  return out;
}

bool NotificationSigner::Verify(ByteView data, ByteView rs) const {
  return VerifyRawEcdsaSha256(key_->pkey.get(), data, rs);
}

}  // namespace esim::vcard
