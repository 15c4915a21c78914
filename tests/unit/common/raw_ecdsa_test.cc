// VerifyRawEcdsaSha256: SGP.22's r||s signatures checked against a key, tamper-evident.
#include "common/raw_ecdsa.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "common/openssl_ptr.h"

namespace esim {
namespace {

// A fresh P-256 key and its r||s signature over `data` (the test's own signer, independent of
// the virtual eUICC's).
struct Signed {
  EvpPkeyPtr key{EVP_EC_gen("P-256")};
  Bytes r_s;

  explicit Signed(ByteView data) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    size_t len = 0;
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key.get());
    EVP_DigestSign(ctx, nullptr, &len, data.data(), data.size());
    Bytes der(len);
    EVP_DigestSign(ctx, der.data(), &len, data.data(), data.size());
    EVP_MD_CTX_free(ctx);
    const unsigned char* p = der.data();
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(len));  // X9.62 DER -> r, s
    r_s.resize(64);
    BN_bn2binpad(ECDSA_SIG_get0_r(sig), r_s.data(), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(sig), r_s.data() + 32, 32);
    ECDSA_SIG_free(sig);
  }
};

const Bytes kData = {0xBF, 0x2F, 0x03, 0x80, 0x01, 0x07};

TEST(RawEcdsa, AcceptsTheSignatureOverTheSignedBytes) {
  Signed s(kData);
  ASSERT_TRUE(s.key);
  EXPECT_TRUE(VerifyRawEcdsaSha256(s.key.get(), kData, s.r_s));
}

TEST(RawEcdsa, RejectsChangedDataChangedSignatureOrAnotherKey) {
  Signed s(kData);
  Bytes data = kData;
  data.back() ^= 0x01;
  EXPECT_FALSE(VerifyRawEcdsaSha256(s.key.get(), data, s.r_s));
  Bytes r_s = s.r_s;
  r_s[40] ^= 0x01;  // in s
  EXPECT_FALSE(VerifyRawEcdsaSha256(s.key.get(), kData, r_s));
  Signed other(kData);
  EXPECT_FALSE(VerifyRawEcdsaSha256(other.key.get(), kData, s.r_s));
  EXPECT_EQ(ERR_peek_error(), 0u);  // nothing left on libcrypto's error queue
}

TEST(RawEcdsa, RejectsWrongLengthsAndNoKey) {
  Signed s(kData);
  EXPECT_FALSE(VerifyRawEcdsaSha256(s.key.get(), kData, ByteView(s.r_s).first(63)));
  Bytes longer = s.r_s;
  longer.push_back(0);
  EXPECT_FALSE(VerifyRawEcdsaSha256(s.key.get(), kData, longer));
  EXPECT_FALSE(VerifyRawEcdsaSha256(nullptr, kData, s.r_s));
  EXPECT_FALSE(VerifyRawEcdsaSha256(s.key.get(), kData, Bytes(64, 0)));  // r = s = 0
}

// The test's own verifier for an r||s signature: rebuilt as X9.62 DER and checked by libcrypto
// directly, independent of VerifyRawEcdsaSha256.
bool OpenSslVerifies(EVP_PKEY* key, ByteView data, ByteView r_s) {
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(r_s.data(), 32, nullptr), BN_bin2bn(r_s.data() + 32, 32, nullptr));
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                  EVP_DigestVerify(ctx, der, static_cast<size_t>(der_len), data.data(), data.size()) == 1;
  EVP_MD_CTX_free(ctx);
  OPENSSL_free(der);
  ERR_clear_error();
  return ok;
}

TEST(RawEcdsaSign, SignsWhatTheVerifierAndOpenSslAccept) {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  ASSERT_TRUE(key);
  // Sign until r or s has a leading zero byte (about 1 signature in 128), so the left-padding
  // of the shorter DER integer is exercised too; 4000 tries miss that with odds below 1e-13.
  bool saw_short_integer = false;
  for (int i = 0; i < 4000 && !saw_short_integer; ++i) {
    Bytes data = kData;
    data.push_back(static_cast<uint8_t>(i));
    data.push_back(static_cast<uint8_t>(i >> 8));
    Result<Bytes> r_s = SignRawEcdsaSha256(key.get(), data);
    ASSERT_TRUE(r_s.ok()) << r_s.status().message();
    ASSERT_EQ(r_s->size(), 64u);
    EXPECT_TRUE(VerifyRawEcdsaSha256(key.get(), data, *r_s));
    EXPECT_TRUE(OpenSslVerifies(key.get(), data, *r_s));
    saw_short_integer = (*r_s)[0] == 0 || (*r_s)[32] == 0;
    data.back() ^= 0x80;
    EXPECT_FALSE(VerifyRawEcdsaSha256(key.get(), data, *r_s));
  }
  EXPECT_TRUE(saw_short_integer);
  // ECDSA is randomised: two signatures of the same bytes differ and both verify.
  Result<Bytes> a = SignRawEcdsaSha256(key.get(), kData);
  Result<Bytes> b = SignRawEcdsaSha256(key.get(), kData);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(VerifyRawEcdsaSha256(key.get(), kData, *b));
  EvpPkeyPtr other(EVP_EC_gen("P-256"));
  EXPECT_FALSE(VerifyRawEcdsaSha256(other.get(), kData, *a));
  EXPECT_EQ(ERR_peek_error(), 0u);
}

TEST(RawEcdsaSign, RefusesNoKeyAndKeysThatAreNotP256) {
  EvpPkeyPtr p384(EVP_EC_gen("P-384"));
  EXPECT_EQ(SignRawEcdsaSha256(p384.get(), kData).status().code(), ErrorCode::kInternal);
  EXPECT_EQ(SignRawEcdsaSha256(nullptr, kData).status().code(), ErrorCode::kInternal);
  EXPECT_EQ(ERR_peek_error(), 0u);
}

}  // namespace
}  // namespace esim
