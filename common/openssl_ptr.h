// unique_ptr aliases that free OpenSSL objects: one definition for every user of libcrypto/libssl.
//
// Header-only; including it needs OpenSSL's headers, and the including target links
// OpenSSL itself (esim_common does not). Thread-compatible, like unique_ptr.
#pragma once

#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

namespace esim {

// Calls `Free` on the pointer: usable as a unique_ptr deleter for any OpenSSL type.
template <auto Free>
struct OpenSslFree {
  template <typename T>
  void operator()(T* p) const { Free(p); }
};

using X509Ptr = std::unique_ptr<X509, OpenSslFree<X509_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree<BIO_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslFree<EVP_MD_CTX_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpenSslFree<ECDSA_SIG_free>>;
using BnPtr = std::unique_ptr<BIGNUM, OpenSslFree<BN_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OpenSslFree<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OpenSslFree<X509_STORE_CTX_free>>;

}  // namespace esim
