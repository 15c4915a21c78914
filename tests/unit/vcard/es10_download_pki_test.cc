// AuthenticateServer and PrepareDownload against SM-DP+ certificates the SGP.26 files do not
// contain, issued here with OpenSSL and the SGP.26 CI key: a DPauth without the SM-DP+ OID
// (invalidOid, 5), one the CI did not sign (invalidCertificate, 1), a DPpb of another SM-DP+ (1).
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>

#include "common/raw_ecdsa.h"
#include "tests/unit/vcard/download_test_util.h"

namespace esim::vcard::testing {
namespace {

using Key = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using Cert = std::unique_ptr<X509, decltype(&X509_free)>;

Key LoadKey(const std::string& path) {
  std::unique_ptr<FILE, decltype(&fclose)> f(fopen(path.c_str(), "r"), fclose);
  return Key(f ? PEM_read_PrivateKey(f.get(), nullptr, nullptr, nullptr) : nullptr, EVP_PKEY_free);
}

Cert LoadCert(const Bytes& der) {
  const unsigned char* p = der.data();
  return Cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())), X509_free);
}

void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  ASSERT_NE(ext, nullptr) << value;
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A DPauth-role certificate for `key`, issued by `issuer` with `issuer_key`, with the DPauth
// policy and, when `oid` is set, subjectAltName registeredID.
Bytes IssueDpAuth(EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key, const char* oid,
                  const char* policy = "2.23.146.1.2.1.4") {
  Cert cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 4242);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Other SM-DP+"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_pubkey(cert.get(), key);
  AddExt(cert.get(), issuer, NID_authority_key_identifier, "keyid:always");
  AddExt(cert.get(), issuer, NID_key_usage, "critical,digitalSignature");
  if (oid) AddExt(cert.get(), issuer, NID_subject_alt_name, (std::string("RID:") + oid).c_str());
  CERTIFICATEPOLICIES* policies = CERTIFICATEPOLICIES_new();
  POLICYINFO* info = POLICYINFO_new();
  info->policyid = OBJ_txt2obj(policy, 1);
  sk_POLICYINFO_push(policies, info);
  X509_add1_ext_i2d(cert.get(), NID_certificate_policies, policies, 1, X509V3_ADD_DEFAULT);
  CERTIFICATEPOLICIES_free(policies);
  EXPECT_GT(X509_sign(cert.get(), issuer_key, EVP_sha256()), 0);
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  Bytes out(der, der + len);
  OPENSSL_free(der);
  return out;
}

class DpAuthPkiTest : public DownloadFixture {
 protected:
  // AuthenticateServer with `certificate` and serverSigned1 signed by `key`.
  int64_t AuthenticateWith(const Bytes& certificate, EVP_PKEY* key) {
    Bytes challenge = Challenge();
    Bytes signed1 = der::Wrap(0x30, Cat({der::Wrap(0x80, tid_), der::Wrap(0x81, challenge),
                                         der::Wrap(0x83, address_), der::Wrap(0x84, Bytes(16, 0x5C))}));
    auto signature = SignRawEcdsaSha256(key, signed1);
    EXPECT_TRUE(signature.ok());
    Bytes ctx = der::Wrap(0xA0, der::Wrap(0xA1, Cat({der::Wrap(0x80, H("35290611")), der::Wrap(0xA1, Bytes{})})));
    Bytes request = der::Wrap(0xBF38, Cat({signed1, der::Wrap(0x5F37, *signature), der::Wrap(0x04, kSgp26CiId),
                                           certificate, ctx}));
    return ErrorCode(Es10(request).data);
  }
  Key ci_key_ = LoadKey(Sgp26Dir() + "/SK_CI_ECDSA_NIST.pem");
  Cert ci_ = LoadCert(ReadBytes(Sgp26Dir() + "/CERT_CI_ECDSA_NIST.der"));
  Key key_ = Key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
};

TEST_F(DpAuthPkiTest, CertificateIssuedByTheCiIsAccepted) {
  ASSERT_TRUE(ci_key_ && ci_ && key_);
  // The control case: the same construction with an OID passes every check.
  EXPECT_EQ(AuthenticateWith(IssueDpAuth(key_.get(), ci_.get(), ci_key_.get(), "2.999.12"), key_.get()), -1);
}

TEST_F(DpAuthPkiTest, CertificateWithoutSmdpOidIsInvalidOid) {
  ASSERT_TRUE(ci_key_ && ci_ && key_);
  EXPECT_EQ(AuthenticateWith(IssueDpAuth(key_.get(), ci_.get(), ci_key_.get(), nullptr), key_.get()), 5);
}

TEST_F(DpAuthPkiTest, CertificateNotSignedByTheCiIsInvalidCertificate) {
  ASSERT_TRUE(ci_ && key_);
  // Names the CI as issuer but is signed by its own key.
  EXPECT_EQ(AuthenticateWith(IssueDpAuth(key_.get(), ci_.get(), key_.get(), "2.999.10"), key_.get()), 1);
}

TEST_F(DpAuthPkiTest, DpPbOfAnotherSmdpIsInvalidCertificate) {
  ASSERT_TRUE(ci_key_ && ci_ && key_);
  ASSERT_EQ(Authenticate(Challenge()).sw, 0x9000);  // SGP.26 DPauth: OID 2.999.10
  Bytes dppb = IssueDpAuth(key_.get(), ci_.get(), ci_key_.get(), "2.999.12", "2.23.146.1.2.1.5");
  Bytes signed2 = der::Wrap(0x30, Cat({der::Wrap(0x80, tid_), der::Wrap(0x01, Bytes{0x00})}));
  auto signature = SignRawEcdsaSha256(key_.get(), Cat({signed2, euicc_signature1_}));
  ASSERT_TRUE(signature.ok());
  auto r = Es10(der::Wrap(0xBF21, Cat({signed2, der::Wrap(0x5F37, *signature), dppb})));
  EXPECT_EQ(ErrorCode(r.data), 1);
}

TEST_F(DpAuthPkiTest, DpPbOfTheSameSmdpIsAccepted) {
  ASSERT_TRUE(ci_key_ && ci_ && key_);
  ASSERT_EQ(Authenticate(Challenge()).sw, 0x9000);
  Bytes dppb = IssueDpAuth(key_.get(), ci_.get(), ci_key_.get(), "2.999.10", "2.23.146.1.2.1.5");
  Bytes signed2 = der::Wrap(0x30, Cat({der::Wrap(0x80, tid_), der::Wrap(0x01, Bytes{0x00})}));
  auto signature = SignRawEcdsaSha256(key_.get(), Cat({signed2, euicc_signature1_}));
  ASSERT_TRUE(signature.ok());
  auto r = Es10(der::Wrap(0xBF21, Cat({signed2, der::Wrap(0x5F37, *signature), dppb})));
  EXPECT_EQ(ErrorCode(r.data), -1) << ToHex(r.data);
}

// ---- An SM-DS authenticating (ES11 event retrieval): CERT.DSauth, no matchingId ----------

constexpr const char* kDsAuth = "2.23.146.1.2.1.7";  // id-rspRole-ds-auth

TEST_F(DpAuthPkiTest, SmdsCertificateIsAcceptedWithoutMatchingId) {
  ASSERT_TRUE(ci_key_ && ci_ && key_);
  // AuthenticateWith sends ctxParams1 without a matchingId, as an LPA does for an SM-DS.
  EXPECT_EQ(AuthenticateWith(IssueDpAuth(key_.get(), ci_.get(), ci_key_.get(), "2.999.20", kDsAuth), key_.get()), -1);
}

TEST_F(DpAuthPkiTest, SmdsCertificateKeepsEveryCheck) {
  ASSERT_TRUE(ci_key_ && ci_ && key_);
  // Not signed by the CI: invalidCertificate; without an OID: invalidOid; signature by another key.
  EXPECT_EQ(AuthenticateWith(IssueDpAuth(key_.get(), ci_.get(), key_.get(), "2.999.20", kDsAuth), key_.get()), 1);
  EXPECT_EQ(AuthenticateWith(IssueDpAuth(key_.get(), ci_.get(), ci_key_.get(), nullptr, kDsAuth), key_.get()), 5);
  Key other(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), EVP_PKEY_free);
  EXPECT_EQ(AuthenticateWith(IssueDpAuth(key_.get(), ci_.get(), ci_key_.get(), "2.999.20", kDsAuth), other.get()), 2);
  // Another role (the SM-DS's TLS certificate, id-rspRole-ds-tls) is no authentication certificate.
  EXPECT_EQ(AuthenticateWith(IssueDpAuth(key_.get(), ci_.get(), ci_key_.get(), "2.999.20", "2.23.146.1.2.1.6"),
                             key_.get()),
            1);
}

TEST_F(DpAuthPkiTest, NoDownloadFollowsAnSmdsAuthentication) {
  ASSERT_TRUE(ci_key_ && ci_ && key_);
  ASSERT_EQ(AuthenticateWith(IssueDpAuth(key_.get(), ci_.get(), ci_key_.get(), "2.999.20", kDsAuth), key_.get()), -1);
  // Even a DPpb with the SM-DS's own OID and key: an SM-DS cannot bind a profile.
  Bytes dppb = IssueDpAuth(key_.get(), ci_.get(), ci_key_.get(), "2.999.20", "2.23.146.1.2.1.5");
  Bytes signed2 = der::Wrap(0x30, Cat({der::Wrap(0x80, tid_), der::Wrap(0x01, Bytes{0x00})}));
  auto signature = SignRawEcdsaSha256(key_.get(), Cat({signed2, Bytes(67, 0)}));
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(ErrorCode(Es10(der::Wrap(0xBF21, Cat({signed2, der::Wrap(0x5F37, *signature), dppb}))).data), 1);
}

TEST_F(DpAuthPkiTest, TheNextChallengeDiscardsTheSmdsSession) {
  ASSERT_TRUE(ci_key_ && ci_ && key_);
  ASSERT_EQ(AuthenticateWith(IssueDpAuth(key_.get(), ci_.get(), ci_key_.get(), "2.999.20", kDsAuth), key_.get()), -1);
  // What the LPA does after discovery: nothing; the download's GetEuiccChallenge starts afresh.
  ASSERT_EQ(Authenticate(Challenge()).sw, 0x9000);
  EXPECT_EQ(ErrorCode(Prepare().data), -1);
}

}  // namespace
}  // namespace esim::vcard::testing
