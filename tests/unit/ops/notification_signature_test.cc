// A notification retrieved through RetrieveNotification verifies like an SM-DP+ would verify
// it: ECDSA r||s over the exact BF2F DER with the eUICC certificate's key, and the chain
// eUICC <- EUM <- CI (the SGP.26 test PKI in ESIM_SHARED_DIR/sgp26, never copied here).
#include <filesystem>
#include <fstream>
#include <memory>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "common/base64.h"
#include "common/openssl_ptr.h"
#include "common/raw_ecdsa.h"
#include "src/ops/notifications.h"
#include "vcard/virtual_reader.h"

namespace esim {
namespace {

const std::string kPki = std::string(ESIM_SHARED_DIR) + "/sgp26/";
const std::string kDefaultState = std::string(ESIM_SOURCE_DIR) + "/vcard/default-state.json";

using StorePtr = X509StorePtr;
using StoreCtxPtr = X509StoreCtxPtr;

X509Ptr ParseCert(const Bytes& der) {
  const unsigned char* p = der.data();
  return X509Ptr(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
}

Bytes ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// One DER element at `at`: its tag bytes' end, value range and total end (test-only reader).
struct Element {
  uint32_t tag = 0;
  size_t value_begin = 0, value_end = 0;
};
Element ReadElement(const Bytes& der, size_t at) {
  Element e;
  e.tag = der.at(at++);
  if ((e.tag & 0x1F) == 0x1F) {
    do e.tag = (e.tag << 8) | der.at(at); while (der.at(at++) & 0x80);
  }
  size_t length = der.at(at++);
  if (length & 0x80) {
    size_t count = length & 0x7F;
    length = 0;
    while (count-- > 0) length = (length << 8) | der.at(at++);
  }
  e.value_begin = at;
  e.value_end = at + length;
  return e;
}

// Base64 decoding with OpenSSL, the way a receiver of the --raw output would do it.
Bytes FromBase64(const std::string& text) {
  Bytes out(text.size() / 4 * 3);
  int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  EXPECT_GE(n, 0);
  size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

class NotificationSignatureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("esim-notif-sig-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(dir_);
    nlohmann::json state = nlohmann::json::parse(std::ifstream(kDefaultState));
    // The SGP.26 eUICC certificate names this EID; the card must carry the same one.
    state["eid"] = "89049032123451234512345678901235";
    state["credentials"] = {{"euiccKey", kPki + "SK_EUICC_ECDSA_NIST.pem"},
                            {"euiccCertificate", kPki + "CERT_EUICC_ECDSA_NIST.der"},
                            {"eumCertificate", kPki + "CERT_EUM_ECDSA_NIST.der"}};
    state_path_ = (dir_ / "state.json").string();
    std::ofstream(state_path_) << state.dump(2);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<CardSession> Open() {
    vcard::VirtualEuicc::Options card;
    card.persist = false;
    card.pki_dir = (dir_ / "pki").string();  // unused with credentials; keeps the repo clean
    auto reader = vcard::OpenVirtualReader(state_path_, card);
    EXPECT_TRUE(reader.ok()) << reader.status().message();
    if (!reader.ok()) return nullptr;
    auto session = CardSession::OnReader(std::move(*reader), {});
    EXPECT_TRUE(session.ok()) << session.status().message();
    return session.ok() ? std::move(*session) : nullptr;
  }

  std::filesystem::path dir_;
  std::string state_path_;
};

TEST_F(NotificationSignatureTest, SignatureAndChainVerifyWithOpenSsl) {
  if (!std::filesystem::exists(kPki + "CERT_CI_ECDSA_NIST.der")) GTEST_SKIP() << "no " << kPki;
  auto session = Open();
  ASSERT_TRUE(session);
  auto notification = RetrieveNotification(*session, 8);
  ASSERT_TRUE(notification.ok()) << notification.status().message();

  // What `notification show 8 --raw` prints, decoded again: the card's bytes, unchanged.
  Bytes der = FromBase64(Base64(notification->der));
  ASSERT_EQ(der, notification->der);

  // 30 { BF2F tbs, 5F37 signature, 30 eUICC cert, 30 EUM cert }
  Element outer = ReadElement(der, 0);
  ASSERT_EQ(outer.tag, 0x30u);
  Element tbs = ReadElement(der, outer.value_begin);
  ASSERT_EQ(tbs.tag, 0xBF2Fu);
  Element sig = ReadElement(der, tbs.value_end);
  ASSERT_EQ(sig.tag, 0x5F37u);
  Element euicc = ReadElement(der, sig.value_end);
  Element eum = ReadElement(der, euicc.value_end);
  ASSERT_EQ(eum.value_end, outer.value_end);
  auto slice = [&der](size_t begin, size_t end) { return Bytes(der.begin() + begin, der.begin() + end); };
  Bytes tbs_der = slice(outer.value_begin, tbs.value_end);  // the whole BF2F element
  Bytes signature = slice(sig.value_begin, sig.value_end);
  Bytes euicc_der = slice(sig.value_end, euicc.value_end);
  Bytes eum_der = slice(euicc.value_end, eum.value_end);
  ASSERT_EQ(signature.size(), 64u);
  ASSERT_EQ(euicc_der, ReadFile(kPki + "CERT_EUICC_ECDSA_NIST.der"));

  // ECDSA-SHA256 over the BF2F DER with the eUICC certificate's key.
  X509Ptr euicc_cert = ParseCert(euicc_der);
  ASSERT_TRUE(euicc_cert);
  EvpPkeyPtr key(X509_get_pubkey(euicc_cert.get()));
  EXPECT_TRUE(VerifyRawEcdsaSha256(key.get(), tbs_der, signature)) << "signature does not verify over the BF2F DER";
  Bytes tampered = tbs_der;
  tampered.back() ^= 0x01;  // the check above is not vacuous: one changed bit fails it
  EXPECT_FALSE(VerifyRawEcdsaSha256(key.get(), tampered, signature));

  // eUICC <- EUM <- CI. Generic X.509 rejects the EUM's name constraint (SGP.22 matches the
  // EID as a prefix, see sgp26/README.md): accept exactly that error and check the prefix here.
  auto names = ReadCertificateNames(euicc_der);
  ASSERT_TRUE(names.ok());
  EXPECT_NE(names->subject.find("serialNumber=89049032"), std::string::npos) << names->subject;
  X509Ptr eum_cert = ParseCert(eum_der);
  X509Ptr ci_cert = ParseCert(ReadFile(kPki + "CERT_CI_ECDSA_NIST.der"));
  ASSERT_TRUE(eum_cert && ci_cert);
  StorePtr store(X509_STORE_new());
  ASSERT_EQ(X509_STORE_add_cert(store.get(), ci_cert.get()), 1);
  X509_STORE_set_verify_cb(store.get(), [](int ok, X509_STORE_CTX* ctx) {
    return ok || X509_STORE_CTX_get_error(ctx) == X509_V_ERR_PERMITTED_VIOLATION ? 1 : 0;
  });
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  sk_X509_push(untrusted, eum_cert.get());
  StoreCtxPtr ctx(X509_STORE_CTX_new());
  ASSERT_EQ(X509_STORE_CTX_init(ctx.get(), store.get(), euicc_cert.get(), untrusted), 1);
  int verified = X509_verify_cert(ctx.get());
  int error = X509_STORE_CTX_get_error(ctx.get());
  sk_X509_free(untrusted);  // the stack only; eum_cert still owns the certificate
  EXPECT_EQ(verified, 1) << X509_verify_cert_error_string(error);
  EXPECT_EQ(X509_STORE_CTX_get0_chain(ctx.get()) ? sk_X509_num(X509_STORE_CTX_get0_chain(ctx.get())) : 0, 3);
}

}  // namespace
}  // namespace esim
