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

}  // namespace
}  // namespace esim
