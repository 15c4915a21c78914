#include "common/raw_ecdsa.h"

#include <memory>

#include "common/openssl_ptr.h"

namespace esim {
namespace {

// OPENSSL_free is a macro for CRYPTO_free with the caller's file and line.
struct FreeOpenSslBuffer {
  void operator()(unsigned char* p) const { Crypto().CRYPTO_free(p, OPENSSL_FILE, OPENSSL_LINE); }
};

bool Verify(EVP_PKEY* key, ByteView data, ByteView r_s) {
  if (key == nullptr || r_s.size() != 64) return false;
  EcdsaSigPtr sig(Crypto().ECDSA_SIG_new());
  BnPtr r(Crypto().BN_bin2bn(r_s.data(), 32, nullptr));
  BnPtr s(Crypto().BN_bin2bn(r_s.data() + 32, 32, nullptr));
  if (!sig || !r || !s || Crypto().ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return false;
  static_cast<void>(r.release());  // owned by sig now
  static_cast<void>(s.release());
  unsigned char* der = nullptr;
  const int der_len = Crypto().i2d_ECDSA_SIG(sig.get(), &der);
  if (der_len <= 0) return false;
  const std::unique_ptr<unsigned char, FreeOpenSslBuffer> der_owner(der);
  MdCtxPtr ctx(Crypto().EVP_MD_CTX_new());
  return ctx &&
         Crypto().EVP_DigestVerifyInit(ctx.get(), nullptr, Crypto().EVP_sha256(), nullptr, key) == 1 &&
         Crypto().EVP_DigestVerify(ctx.get(), der, static_cast<size_t>(der_len), data.data(), data.size()) == 1;
}

// The X9.62 DER signature by `key` over `data`.
Result<Bytes> SignDer(EVP_PKEY* key, ByteView data) {
  MdCtxPtr ctx(Crypto().EVP_MD_CTX_new());
  size_t length = 0;
  if (!ctx || Crypto().EVP_DigestSignInit(ctx.get(), nullptr, Crypto().EVP_sha256(), nullptr, key) != 1 ||
      Crypto().EVP_DigestSign(ctx.get(), nullptr, &length, data.data(), data.size()) != 1) {
    return Status(ErrorCode::kInternal, "ECDSA signing could not start");
  }
  Bytes der(length);
  if (Crypto().EVP_DigestSign(ctx.get(), der.data(), &length, data.data(), data.size()) != 1) {
    return Status(ErrorCode::kInternal, "ECDSA signing failed");
  }
  der.resize(length);
  return der;
}

// X9.62 DER (SEQUENCE { r, s }) to r||s, each left-padded to 32 bytes.
Result<Bytes> DerToRawRs(const Bytes& der) {
  const unsigned char* p = der.data();
  EcdsaSigPtr sig(Crypto().d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return Status(ErrorCode::kInternal, "ECDSA signature is not X9.62 DER");
  Bytes r_s(64);
  if (Crypto().BN_bn2binpad(Crypto().ECDSA_SIG_get0_r(sig.get()), r_s.data(), 32) != 32 ||
      Crypto().BN_bn2binpad(Crypto().ECDSA_SIG_get0_s(sig.get()), r_s.data() + 32, 32) != 32) {
    return Status(ErrorCode::kInternal, "ECDSA signature is not of a 256-bit key");
  }
  return r_s;
}

Result<Bytes> Sign(EVP_PKEY* key, ByteView data) {
  if (key == nullptr || Crypto().EVP_PKEY_get_base_id(key) != EVP_PKEY_EC || Crypto().EVP_PKEY_get_bits(key) != 256) {
    return Status(ErrorCode::kInternal, "signing key is not a P-256 key");
  }
  ESIM_ASSIGN_OR_RETURN(const Bytes der, SignDer(key, data));
  return DerToRawRs(der);
}

}  // namespace

Result<Bytes> SignRawEcdsaSha256(EVP_PKEY* key, ByteView data) {
  Result<Bytes> r_s = Sign(key, data);
  Crypto().ERR_clear_error();  // like the verifier, leave nothing on libcrypto's queue
  return r_s;
}

bool VerifyRawEcdsaSha256(EVP_PKEY* key, ByteView data, ByteView r_s) {
  const bool ok = Verify(key, data, r_s);
  Crypto().ERR_clear_error();
  return ok;
}

}  // namespace esim
