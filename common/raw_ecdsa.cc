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

}  // namespace

bool VerifyRawEcdsaSha256(EVP_PKEY* key, ByteView data, ByteView r_s) {
  const bool ok = Verify(key, data, r_s);
  Crypto().ERR_clear_error();
  return ok;
}

}  // namespace esim
