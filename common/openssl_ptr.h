// unique_ptr aliases that free OpenSSL objects: one definition for every user of libcrypto.
//
// Header-only. The deleters call libcrypto through Crypto() (common/crypto_library.h), which
// esimctl loads on first use instead of linking. Thread-compatible, like unique_ptr.
#pragma once

#include <memory>

#include "common/crypto_library.h"

namespace esim {

// Calls the table's `Free` member on the pointer: a unique_ptr deleter for any OpenSSL type,
// e.g. CryptoFree<&CryptoLibrary::X509_free>.
template <auto Free>
struct CryptoFree {
  template <typename T>
  void operator()(T* p) const { (Crypto().*Free)(p); }
};

using X509Ptr = std::unique_ptr<X509, CryptoFree<&CryptoLibrary::X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, CryptoFree<&CryptoLibrary::EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, CryptoFree<&CryptoLibrary::BIO_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, CryptoFree<&CryptoLibrary::EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, CryptoFree<&CryptoLibrary::ECDSA_SIG_free>>;
using BnPtr = std::unique_ptr<BIGNUM, CryptoFree<&CryptoLibrary::BN_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, CryptoFree<&CryptoLibrary::EVP_PKEY_CTX_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, CryptoFree<&CryptoLibrary::EVP_CIPHER_CTX_free>>;
using EvpMacPtr = std::unique_ptr<EVP_MAC, CryptoFree<&CryptoLibrary::EVP_MAC_free>>;
using EvpMacCtxPtr = std::unique_ptr<EVP_MAC_CTX, CryptoFree<&CryptoLibrary::EVP_MAC_CTX_free>>;
using EvpKdfPtr = std::unique_ptr<EVP_KDF, CryptoFree<&CryptoLibrary::EVP_KDF_free>>;
using EvpKdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, CryptoFree<&CryptoLibrary::EVP_KDF_CTX_free>>;

// For programs that link libcrypto themselves (the tests, test-smdp): calls `Free` directly.
template <auto Free>
struct OpenSslFree {
  template <typename T>
  void operator()(T* p) const { Free(p); }
};
using X509StorePtr = std::unique_ptr<X509_STORE, OpenSslFree<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslFree<X509_STORE_CTX_free>>;

}  // namespace esim
