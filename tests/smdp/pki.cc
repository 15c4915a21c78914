#include "tests/smdp/pki.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/certificate_checks.h"
#include "tests/smdp/http.h"

namespace esim::smdp {
namespace {

Result<X509Ptr> LoadOneCert(const std::string& path) {
  ESIM_ASSIGN_OR_RETURN(auto certs, certs::LoadFile(path));
  if (certs.size() != 1) return Status(ErrorCode::kInvalidInput, path + " does not hold exactly one certificate");
  return std::move(certs[0]);
}

Status CheckPair(X509* cert, EVP_PKEY* key, const std::string& name) {
  if (X509_check_private_key(cert, key) != 1)
    return Status(ErrorCode::kInvalidInput, name + ": the key does not match the certificate: " + OpenSslError());
  return Status::Ok();
}

}  // namespace

Result<EvpPkeyPtr> LoadPrivateKey(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIo, "cannot read " + path);
  std::string pem((std::istreambuf_iterator<char>(in)), {});
  std::unique_ptr<BIO, OpenSslFree<BIO_free_all>> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EvpPkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Status(ErrorCode::kInvalidInput, path + " is not a PEM private key: " + OpenSslError());
  return key;
}

Result<ServerPki> ServerPki::Load(const std::string& dir) {
  namespace fs = std::filesystem;
  auto at = [&](const char* name) { return (fs::path(dir) / name).string(); };
  ServerPki p;
  ESIM_ASSIGN_OR_RETURN(p.dpauth, LoadOneCert(at("CERT_S_SM_DPauth_ECDSA_NIST.der")));
  ESIM_ASSIGN_OR_RETURN(p.dppb, LoadOneCert(at("CERT_S_SM_DPpb_ECDSA_NIST.der")));
  std::string ci_path = at("CERT_CI_ECDSA_NIST.der");
  if (!fs::exists(ci_path)) ci_path = at("CERT_CI_ECDSA_NIST.pem");
  ESIM_ASSIGN_OR_RETURN(p.ci, LoadOneCert(ci_path));
  ESIM_ASSIGN_OR_RETURN(p.dpauth_key, LoadPrivateKey(at("SK_S_SM_DPauth_ECDSA_NIST.pem")));
  ESIM_ASSIGN_OR_RETURN(p.dppb_key, LoadPrivateKey(at("SK_S_SM_DPpb_ECDSA_NIST.pem")));
  ESIM_RETURN_IF_ERROR(CheckPair(p.dpauth.get(), p.dpauth_key.get(), "DPauth"));
  ESIM_RETURN_IF_ERROR(CheckPair(p.dppb.get(), p.dppb_key.get(), "DPpb"));
  for (X509* leaf : {p.dpauth.get(), p.dppb.get()}) {
    Status chained = certs::VerifyChain(leaf, {}, p.ci.get());
    if (!chained.ok()) return Status(ErrorCode::kInvalidInput, "DPauth/DPpb does not chain to the CI: " + chained.message());
  }
  ESIM_ASSIGN_OR_RETURN(p.dpauth_der, certs::ToDer(p.dpauth.get()));
  ESIM_ASSIGN_OR_RETURN(p.dppb_der, certs::ToDer(p.dppb.get()));
  ESIM_ASSIGN_OR_RETURN(p.ci_key_id, certs::SubjectKeyId(p.ci.get()));
  ESIM_ASSIGN_OR_RETURN(p.oid, certs::RegisteredIdOid(p.dpauth.get()));
  return p;
}

Status ServerPki::LoadSmds(const std::string& dir) {
  namespace fs = std::filesystem;
  auto at = [&](const char* name) { return (fs::path(dir) / name).string(); };
  ESIM_ASSIGN_OR_RETURN(dsauth, LoadOneCert(at("CERT_S_SM_DSauth_ECDSA_NIST.der")));
  ESIM_ASSIGN_OR_RETURN(dsauth_key, LoadPrivateKey(at("SK_S_SM_DSauth_ECDSA_NIST.pem")));
  ESIM_RETURN_IF_ERROR(CheckPair(dsauth.get(), dsauth_key.get(), "DSauth"));
  if (!certs::HasPolicy(dsauth.get(), certs::kPolicyDsAuth))
    return Status(ErrorCode::kInvalidInput, "DSauth lacks the policy id-rspRole-ds-auth (2.23.146.1.2.1.7)");
  Status chained = certs::VerifyChain(dsauth.get(), {}, ci.get());
  if (!chained.ok()) return Status(ErrorCode::kInvalidInput, "DSauth does not chain to the CI: " + chained.message());
  ESIM_ASSIGN_OR_RETURN(dsauth_der, certs::ToDer(dsauth.get()));
  return Status::Ok();
}

}  // namespace esim::smdp
