// Notification signatures: the signer itself, and a retrieved notification verified
// with OpenSSL against the eUICC certificate the card attached.
#include <sys/stat.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "tests/unit/vcard/vcard_test_util.h"
#include "vcard/der.h"
#include "vcard/signer.h"

namespace esim::vcard::testing {
namespace {

// Verifies an r||s ECDSA-SHA256 signature over `data` with the key of DER certificate `cert`.
bool VerifyRs(ByteView cert, ByteView data, ByteView rs) {
  const unsigned char* p = cert.data();
  std::unique_ptr<X509, decltype(&X509_free)> x(d2i_X509(nullptr, &p, static_cast<long>(cert.size())), X509_free);
  if (!x || rs.size() != 64) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(X509_get_pubkey(x.get()), EVP_PKEY_free);
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(ECDSA_SIG_new(), ECDSA_SIG_free);
  ECDSA_SIG_set0(sig.get(), BN_bin2bn(rs.data(), 32, nullptr), BN_bin2bn(rs.data() + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  bool ok = EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), der, static_cast<size_t>(der_len), data.data(), data.size()) == 1;
  OPENSSL_free(der);
  return ok;
}

// True if DER certificate `child` is signed by the key of DER certificate `parent`.
bool IssuedBy(ByteView child, ByteView parent) {
  const unsigned char* p = child.data();
  std::unique_ptr<X509, decltype(&X509_free)> c(d2i_X509(nullptr, &p, static_cast<long>(child.size())), X509_free);
  p = parent.data();
  std::unique_ptr<X509, decltype(&X509_free)> pa(d2i_X509(nullptr, &p, static_cast<long>(parent.size())), X509_free);
  if (!c || !pa) return false;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(X509_get_pubkey(pa.get()), EVP_PKEY_free);
  return X509_verify(c.get(), key.get()) == 1;
}

TEST(SignerTest, TestChainIsCreatedOnceWithPrivateKeys) {
  TempDir dir;
  std::string pki = dir.File("pki");
  auto signer = NotificationSigner::TestChain(pki, "89049032000000000000000012345644");
  ASSERT_TRUE(signer.ok()) << signer.status().message();
  struct stat st{};
  ASSERT_EQ(::stat((pki + "/euicc-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((pki + "/eum-key.pem").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(pki.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  Bytes data = H("BF2F03800101");
  auto sig = (*signer)->Sign(data);
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(VerifyRs((*signer)->euicc_certificate(), data, *sig));
  EXPECT_TRUE(IssuedBy((*signer)->euicc_certificate(), (*signer)->eum_certificate()));
  // The second run loads the same chain.
  auto again = NotificationSigner::TestChain(pki, "89049032000000000000000012345644");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ((*again)->euicc_certificate(), (*signer)->euicc_certificate());
}

TEST(SignerTest, Sgp26FilesAndMismatchedKey) {
  CredentialFiles files{Sgp26Dir() + "/SK_EUICC_ECDSA_NIST.pem", Sgp26Dir() + "/CERT_EUICC_ECDSA_NIST.der",
                        Sgp26Dir() + "/CERT_EUM_ECDSA_NIST.der"};
  auto signer = NotificationSigner::FromFiles(files);
  ASSERT_TRUE(signer.ok()) << signer.status().message();
  Bytes data = H("BF2F03800101");
  auto sig = (*signer)->Sign(data);
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(VerifyRs((*signer)->euicc_certificate(), data, *sig));
  files.euicc_key = Sgp26Dir() + "/SK_EUM_ECDSA_NIST.pem";
  auto wrong = NotificationSigner::FromFiles(files);
  EXPECT_EQ(wrong.status().code(), ErrorCode::kInvalidInput);
  files.euicc_key = Sgp26Dir() + "/missing.pem";
  EXPECT_EQ(NotificationSigner::FromFiles(files).status().code(), ErrorCode::kIo);
}

class NotificationSignatureTest : public CardFixture {
 protected:
  // Retrieves every pending notification and checks each signature; returns the count.
  size_t VerifyAll() { return VerifyAll(nullptr); }
  // Also returns the whole answer in `answer`.
  size_t VerifyAll(Bytes* answer) {
    EXPECT_EQ(SelectIsdr(), 0x9000);
    auto r = Es10("BF2B00");
    EXPECT_EQ(r.sw, 0x9000);
    if (answer) *answer = r.data;
    auto outer = der::ParseSingle(r.data);
    EXPECT_TRUE(outer.ok());
    if (!outer.ok()) return 0;
    auto top = der::ReadChildren(outer->value);
    EXPECT_TRUE(top.ok() && top->size() == 1 && top->front().tag == 0xA0) << ToHex(r.data);
    if (!top.ok() || top->empty()) return 0;
    auto list = der::ReadChildren(top->front().value);
    EXPECT_TRUE(list.ok());
    for (const auto& item : *list) {
      auto parts = der::ReadChildren(item.value);
      EXPECT_TRUE(parts.ok() && parts->size() == 4);
      if (!parts.ok() || parts->size() != 4) continue;
      EXPECT_TRUE(VerifyRs((*parts)[2].whole, (*parts)[0].whole, (*parts)[1].value));
      EXPECT_TRUE(IssuedBy((*parts)[2].whole, (*parts)[3].whole));
      euicc_cert_.assign((*parts)[2].whole.begin(), (*parts)[2].whole.end());
    }
    return list->size();
  }
  Bytes euicc_cert_;
};

TEST_F(NotificationSignatureTest, GeneratedChainSignsAndPersists) {
  EXPECT_EQ(VerifyAll(), 3u);
  Bytes first = euicc_cert_;
  EXPECT_TRUE(std::filesystem::exists(dir_.File("state.pki/euicc-key.pem")));
  Reload();
  EXPECT_EQ(VerifyAll(), 3u);
  EXPECT_EQ(euicc_cert_, first) << "the chain must survive a restart";
}

TEST_F(NotificationSignatureTest, SameBytesOnEveryRetrievalAndAfterRestart) {
  Bytes first, second, third;
  EXPECT_EQ(VerifyAll(&first), 3u);
  EXPECT_EQ(VerifyAll(&second), 3u);
  EXPECT_EQ(first, second);
  Reload();
  EXPECT_EQ(VerifyAll(&third), 3u);
  EXPECT_EQ(first, third);
  // A new PKI (the old one deleted): stored signatures no longer verify and are made again.
  std::filesystem::remove_all(dir_.File("state.pki"));
  Reload();
  Bytes fourth;
  EXPECT_EQ(VerifyAll(&fourth), 3u);
  EXPECT_NE(first, fourth);
}

// Persist off (tests running the source tree's card) writes nothing beside the state file, but
// a chain kept there by an earlier persisted run still signs.
TEST_F(NotificationSignatureTest, PersistOffCreatesNoChainButUsesAKeptOne) {
  VirtualEuicc::Options memory_only;
  memory_only.persist = false;
  Reload(memory_only);
  EXPECT_EQ(VerifyAll(), 3u);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("state.pki")));
  Reload();  // persisted: the chain is created
  EXPECT_EQ(VerifyAll(), 3u);
  const Bytes kept = euicc_cert_;
  Reload(memory_only);
  EXPECT_EQ(VerifyAll(), 3u);
  EXPECT_EQ(euicc_cert_, kept);
}

TEST_F(NotificationSignatureTest, StateNamesSgp26Credentials) {
  auto doc = ReadJson(DefaultStatePath());
  doc["eid"] = "89049032123451234512345678901235";
  doc["credentials"] = {{"euiccKey", Sgp26Dir() + "/SK_EUICC_ECDSA_NIST.pem"},
                        {"euiccCertificate", Sgp26Dir() + "/CERT_EUICC_ECDSA_NIST.der"},
                        {"eumCertificate", Sgp26Dir() + "/CERT_EUM_ECDSA_NIST.der"}};
  LoadDoc(doc);
  EXPECT_EQ(VerifyAll(), 3u);
  auto sgp26 = FromHex("");
  std::ifstream in(Sgp26Dir() + "/CERT_EUICC_ECDSA_NIST.der", std::ios::binary);
  Bytes want((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(euicc_cert_, want);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("state.pki")));
}

}  // namespace
}  // namespace esim::vcard::testing
