// Certificate checks of a download against the SGP.26 test PKI (ESIM_SHARED_DIR/sgp26, read in
// place): DPauth/DPpb chain to the CI with their roles and the same SM-DP+ OID, the eUICC chains
// through the EUM (SGP.22's EID-prefix name constraint), and tampered, foreign or expired
// certificates are judged as an eUICC without a clock must judge them.
#include "common/certificate_checks.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/raw_ecdsa.h"

namespace esim::certs {
namespace {

const std::string kPki = std::string(ESIM_SHARED_DIR) + "/sgp26/";

Bytes ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

X509Ptr Cert(const std::string& name) {
  Result<X509Ptr> cert = ParseDer(ReadBytes(kPki + "CERT_" + name + ".der"));
  EXPECT_TRUE(cert.ok()) << name << ": " << cert.status().message();
  return cert.ok() ? std::move(cert).value() : nullptr;
}

// A private key of the PKI, read by libcrypto directly (the test's side).
EvpPkeyPtr PrivateKey(const std::string& name) {
  FILE* f = std::fopen((kPki + "SK_" + name + ".pem").c_str(), "r");
  EXPECT_NE(f, nullptr) << name;
  if (f == nullptr) return nullptr;
  EvpPkeyPtr key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return key;
}

class Sgp26 : public ::testing::Test {
 protected:
  X509Ptr ci_ = Cert("CI_ECDSA_NIST");
  X509Ptr eum_ = Cert("EUM_ECDSA_NIST");
  X509Ptr euicc_ = Cert("EUICC_ECDSA_NIST");
  X509Ptr dpauth_ = Cert("S_SM_DPauth_ECDSA_NIST");
  X509Ptr dppb_ = Cert("S_SM_DPpb_ECDSA_NIST");
  X509Ptr tls_ = Cert("DP_TLS");
};

TEST_F(Sgp26, DpAuthAndDpPbChainToTheCi) {
  EXPECT_TRUE(VerifyChain(dpauth_.get(), {}, ci_.get()).ok());
  EXPECT_TRUE(VerifyChain(dppb_.get(), {}, ci_.get()).ok());
  // Needless intermediates do not hurt.
  X509* extra[] = {eum_.get(), dppb_.get()};
  EXPECT_TRUE(VerifyChain(dpauth_.get(), extra, ci_.get()).ok());
}

TEST_F(Sgp26, TheRolesAreTheGsmaPolicies) {
  EXPECT_TRUE(HasPolicy(dpauth_.get(), kPolicyDpAuth));
  EXPECT_FALSE(HasPolicy(dpauth_.get(), kPolicyDpPb));
  EXPECT_TRUE(HasPolicy(dppb_.get(), kPolicyDpPb));
  EXPECT_FALSE(HasPolicy(dppb_.get(), kPolicyDpAuth));
  EXPECT_TRUE(HasPolicy(eum_.get(), kPolicyEum));
  EXPECT_TRUE(HasPolicy(euicc_.get(), kPolicyEuicc));
  EXPECT_FALSE(HasPolicy(euicc_.get(), kPolicyEum));
  for (const char* role : {kPolicyDpAuth, kPolicyDpPb, kPolicyEum, kPolicyEuicc}) {
    EXPECT_FALSE(HasPolicy(ci_.get(), role)) << role;
    EXPECT_FALSE(HasPolicy(tls_.get(), role)) << role;
  }
  EXPECT_TRUE(HasPolicy(ci_.get(), "2.23.146.1.2.1.0"));
  EXPECT_FALSE(HasPolicy(dpauth_.get(), "2.23.146.1.2.1"));  // a prefix is not the policy
  EXPECT_FALSE(HasPolicy(nullptr, kPolicyDpAuth));
}

TEST_F(Sgp26, DpAuthAndDpPbCarryTheSameSmdpOid) {
  Result<std::string> auth = RegisteredIdOid(dpauth_.get());
  Result<std::string> pb = RegisteredIdOid(dppb_.get());
  ASSERT_TRUE(auth.ok() && pb.ok());
  EXPECT_EQ(*auth, "2.999.10");
  EXPECT_EQ(*auth, *pb);
  EXPECT_EQ(*RegisteredIdOid(eum_.get()), "2.999.5");  // another party's OID differs
  EXPECT_EQ(RegisteredIdOid(euicc_.get()).status().code(), ErrorCode::kInvalidInput);  // no subjectAltName
  EXPECT_EQ(RegisteredIdOid(tls_.get()).status().code(), ErrorCode::kInvalidInput);    // DNS/IP names only
}

TEST_F(Sgp26, TheCiIsNamedByItsSubjectKeyIdentifier) {
  Result<Bytes> ci_id = SubjectKeyId(ci_.get());
  ASSERT_TRUE(ci_id.ok());
  EXPECT_EQ(ToHex(*ci_id), "F54172BDF98A95D65CBEB88A38A1C11D800A85C3");  // euiccCiPKIdToBeUsed
  EXPECT_EQ(*AuthorityKeyId(dpauth_.get()), *ci_id);
  EXPECT_EQ(*AuthorityKeyId(dppb_.get()), *ci_id);
  EXPECT_EQ(*AuthorityKeyId(eum_.get()), *ci_id);
  EXPECT_EQ(*AuthorityKeyId(euicc_.get()), *SubjectKeyId(eum_.get()));
  EXPECT_NE(*SubjectKeyId(dpauth_.get()), *ci_id);
}

TEST_F(Sgp26, TheEuiccChainsThroughTheEum) {
  X509* eum[] = {eum_.get()};
  Status status = VerifyChain(euicc_.get(), eum, ci_.get());
  EXPECT_TRUE(status.ok()) << status.message();
  X509* any_order[] = {dpauth_.get(), eum_.get(), ci_.get()};
  EXPECT_TRUE(VerifyChain(euicc_.get(), any_order, ci_.get()).ok());
  EXPECT_TRUE(VerifyChain(eum_.get(), {}, ci_.get()).ok());
}

TEST_F(Sgp26, AChainMissingALinkOrEndingElsewhereFails) {
  Status no_eum = VerifyChain(euicc_.get(), {}, ci_.get());
  EXPECT_EQ(no_eum.code(), ErrorCode::kInvalidInput);
  EXPECT_FALSE(no_eum.message().empty());
  // The EUM is no trust anchor: partial chains stay off.
  EXPECT_FALSE(VerifyChain(euicc_.get(), {}, eum_.get()).ok());
  X509* eum[] = {eum_.get()};
  EXPECT_FALSE(VerifyChain(euicc_.get(), eum, eum_.get()).ok());
  EXPECT_FALSE(VerifyChain(dpauth_.get(), {}, dppb_.get()).ok());
  EXPECT_FALSE(VerifyChain(dpauth_.get(), {}, nullptr).ok());
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(Sgp26, ATamperedCertificateFails) {
  const Bytes der = ReadBytes(kPki + "CERT_S_SM_DPauth_ECDSA_NIST.der");
  // A changed byte of the signed part: the subject's "ACME" becomes "ACMF".
  Bytes tbs_changed = der;
  const std::string acme = "ACME";
  auto at = std::search(tbs_changed.begin(), tbs_changed.end(), acme.begin(), acme.end());
  ASSERT_NE(at, tbs_changed.end());
  at[3] = 'F';
  Result<X509Ptr> forged = ParseDer(tbs_changed);
  ASSERT_TRUE(forged.ok());
  Status status = VerifyChain(forged->get(), {}, ci_.get());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(status.message(), "certificate signature failure");
  // A changed byte of the signature (inside s, the last INTEGER).
  Bytes signature_changed = der;
  signature_changed[der.size() - 2] ^= 0x01;
  Result<X509Ptr> bad_signature = ParseDer(signature_changed);
  ASSERT_TRUE(bad_signature.ok());
  EXPECT_FALSE(VerifyChain(bad_signature->get(), {}, ci_.get()).ok());
  EXPECT_EQ(ERR_peek_error(), 0u);
}

// --- certificates issued here with the PKI's keys (libcrypto directly) ----------------------

struct Issued {
  X509Ptr cert;
  EvpPkeyPtr key;
};

// A P-256 certificate for a new key, subject = `fields` (pairs), signed by `issuer_key` as
// `issuer`, valid [not_before, not_after] (ASN.1 GeneralizedTime text).
Issued Issue(std::vector<std::pair<std::string, std::string>> fields, X509* issuer, EVP_PKEY* issuer_key,
             const char* not_before, const char* not_after) {
  Issued out{X509Ptr(X509_new()), EvpPkeyPtr(EVP_EC_gen("P-256"))};
  X509* cert = out.cert.get();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 4242);
  X509_NAME* name = X509_get_subject_name(cert);
  for (const auto& [field, value] : fields) {
    X509_NAME_add_entry_by_txt(name, field.c_str(), MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1, 0);
  }
  X509_set_issuer_name(cert, X509_get_subject_name(issuer));
  ASN1_TIME_set_string_X509(X509_getm_notBefore(cert), not_before);
  ASN1_TIME_set_string_X509(X509_getm_notAfter(cert), not_after);
  X509_set_pubkey(cert, out.key.get());
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* aki = X509V3_EXT_conf_nid(nullptr, &ctx, NID_authority_key_identifier, "keyid:always");
  X509_add_ext(cert, aki, -1);
  X509_EXTENSION_free(aki);
  EXPECT_GT(X509_sign(cert, issuer_key, EVP_sha256()), 0);
  return out;
}

TEST_F(Sgp26, ValidityDatesAreIgnored) {
  EvpPkeyPtr ci_key = PrivateKey("CI_ECDSA_NIST");
  ASSERT_TRUE(ci_key);
  Issued expired = Issue({{"O", "ACME"}, {"CN", "EXPIRED SM-DP+"}}, ci_.get(), ci_key.get(), "20000101000000Z",
                         "20010101000000Z");
  Issued future = Issue({{"O", "ACME"}, {"CN", "FUTURE SM-DP+"}}, ci_.get(), ci_key.get(), "29000101000000Z",
                        "29010101000000Z");
  EXPECT_TRUE(VerifyChain(expired.cert.get(), {}, ci_.get()).ok());
  EXPECT_TRUE(VerifyChain(future.cert.get(), {}, ci_.get()).ok());
  // Control: a verifier with a clock refuses the expired one, so the dates are really off.
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ci_.get());
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, expired.cert.get(), nullptr);
  EXPECT_NE(X509_verify_cert(ctx), 1);
  EXPECT_EQ(X509_STORE_CTX_get_error(ctx), X509_V_ERR_CERT_HAS_EXPIRED);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  ERR_clear_error();
  // A certificate the CI key did not sign fails whatever its issuer name says.
  EvpPkeyPtr eum_key = PrivateKey("EUM_ECDSA_NIST");
  Issued impostor = Issue({{"O", "ACME"}, {"CN", "TEST SM-DP+"}}, ci_.get(), eum_key.get(), "20200101000000Z",
                          "20400101000000Z");
  EXPECT_EQ(VerifyChain(impostor.cert.get(), {}, ci_.get()).message(), "certificate signature failure");
}

TEST_F(Sgp26, TheEumNameConstraintIsTheEidPrefix) {
  EvpPkeyPtr eum_key = PrivateKey("EUM_ECDSA_NIST");
  ASSERT_TRUE(eum_key);
  X509* eum[] = {eum_.get()};
  const auto euicc = [&](const std::string& organization, const std::string& eid) {
    return Issue({{"C", "ES"}, {"O", organization}, {"serialNumber", eid}, {"CN", "Test eUICC"}}, eum_.get(),
                 eum_key.get(), "20200101000000Z", "20400101000000Z");
  };
  Issued inside = euicc("RSP Test EUM", "89049032000000000000000000000042");
  Status status = VerifyChain(inside.cert.get(), eum, ci_.get());
  EXPECT_TRUE(status.ok()) << status.message();

  Issued other_prefix = euicc("RSP Test EUM", "89049033000000000000000000000042");
  status = VerifyChain(other_prefix.cert.get(), eum, ci_.get());
  EXPECT_EQ(status.code(), ErrorCode::kInvalidInput);
  EXPECT_NE(status.message().find("permitted subtree"), std::string::npos) << status.message();

  Issued other_organization = euicc("Another EUM", "89049032000000000000000000000042");
  EXPECT_FALSE(VerifyChain(other_organization.cert.get(), eum, ci_.get()).ok());
  Issued no_eid = Issue({{"C", "ES"}, {"O", "RSP Test EUM"}, {"CN", "Test eUICC"}}, eum_.get(), eum_key.get(),
                        "20200101000000Z", "20400101000000Z");
  EXPECT_FALSE(VerifyChain(no_eid.cert.get(), eum, ci_.get()).ok());
  EXPECT_EQ(ERR_peek_error(), 0u);
}

// --- keys and signatures ------------------------------------------------------------------------

TEST_F(Sgp26, SignaturesByThePkiKeysVerifyWithTheCertificateKeys) {
  const Bytes signed_data = {0x30, 0x03, 0x80, 0x01, 0x01};
  for (const std::string name : {"S_SM_DPauth_ECDSA_NIST", "S_SM_DPpb_ECDSA_NIST", "EUICC_ECDSA_NIST"}) {
    EvpPkeyPtr private_key = PrivateKey(name);
    ASSERT_TRUE(private_key) << name;
    Result<Bytes> r_s = SignRawEcdsaSha256(private_key.get(), signed_data);
    ASSERT_TRUE(r_s.ok()) << r_s.status().message();
    Result<EvpPkeyPtr> public_key = PublicKey(Cert(name).get());
    ASSERT_TRUE(public_key.ok());
    EXPECT_TRUE(VerifyRawEcdsaSha256(public_key->get(), signed_data, *r_s)) << name;
    Bytes changed = signed_data;
    changed[4] = 0x02;
    EXPECT_FALSE(VerifyRawEcdsaSha256(public_key->get(), changed, *r_s)) << name;
  }
  // DPauth's signature does not pass as DPpb's.
  EvpPkeyPtr dpauth_key = PrivateKey("S_SM_DPauth_ECDSA_NIST");
  Result<Bytes> r_s = SignRawEcdsaSha256(dpauth_key.get(), signed_data);
  EXPECT_FALSE(VerifyRawEcdsaSha256(PublicKey(dppb_.get())->get(), signed_data, *r_s));
}

// --- parsing and files --------------------------------------------------------------------------

TEST_F(Sgp26, PemAndDerFilesGiveTheSameCertificate) {
  for (const std::string name : {"CI_ECDSA_NIST", "EUM_ECDSA_NIST", "EUICC_ECDSA_NIST", "S_SM_DPauth_ECDSA_NIST",
                                 "S_SM_DPpb_ECDSA_NIST"}) {
    const Bytes der = ReadBytes(kPki + "CERT_" + name + ".der");
    for (const char* ext : {".der", ".pem"}) {
      Result<std::vector<X509Ptr>> certs = LoadFile(kPki + "CERT_" + name + ext);
      ASSERT_TRUE(certs.ok()) << name << ext << ": " << certs.status().message();
      ASSERT_EQ(certs->size(), 1u);
      EXPECT_EQ(*ToDer(certs->front().get()), der) << name << ext;
    }
  }
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/esimctl-certs-XXXXXX";
    const int fd = mkstemp(name);
    EXPECT_GE(fd, 0);
    close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string Text(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

TEST_F(Sgp26, LoadFileReadsSeveralPemCertificatesAndRefusesDamage) {
  const std::string ci = Text(ReadBytes(kPki + "CERT_CI_ECDSA_NIST.pem"));
  const std::string eum = Text(ReadBytes(kPki + "CERT_EUM_ECDSA_NIST.pem"));
  TempFile bundle(ci + eum);
  Result<std::vector<X509Ptr>> certs = LoadFile(bundle.path());
  ASSERT_TRUE(certs.ok()) << certs.status().message();
  ASSERT_EQ(certs->size(), 2u);
  EXPECT_EQ(*ToDer((*certs)[1].get()), ReadBytes(kPki + "CERT_EUM_ECDSA_NIST.der"));

  // The second certificate damaged: the first alone must not pass for the whole file.
  std::string damaged = eum;
  damaged[damaged.find('\n') + 10] = '*';  // not base64
  TempFile broken(ci + damaged);
  EXPECT_EQ(LoadFile(broken.path()).status().code(), ErrorCode::kInvalidInput);
  TempFile no_cert("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
  EXPECT_EQ(LoadFile(no_cert.path()).status().code(), ErrorCode::kInvalidInput);
  TempFile garbage("not a certificate");
  EXPECT_EQ(LoadFile(garbage.path()).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(LoadFile(kPki + "no-such-file.der").status().code(), ErrorCode::kIo);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST_F(Sgp26, ParseDerTakesExactlyOneCertificate) {
  Bytes der = ReadBytes(kPki + "CERT_CI_ECDSA_NIST.der");
  ASSERT_TRUE(ParseDer(der).ok());
  Bytes trailing = der;
  trailing.push_back(0x00);
  EXPECT_EQ(ParseDer(trailing).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(ParseDer(ByteView(der).first(der.size() - 1)).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(ParseDer(Bytes{}).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

}  // namespace
}  // namespace esim::certs
