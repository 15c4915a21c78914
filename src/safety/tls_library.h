// TlsLibrary: the few libssl entry points the TLS trust setup calls (the SSL_CTX libcurl hands to
// CURLOPT_SSL_CTX_FUNCTION), loaded on first use like libcurl (curl_library.h says why).
//
// libssl.so.3 is already in the process when this loads (Debian's libcurl4 links it), so opening
// it costs a reference count. X509_STORE_CTX_get0_cert is libcrypto's; it is found through
// libssl's handle (dlsym searches a library's dependencies) rather than widening the shared
// Crypto() table for one function.
//
// Threading: Load() is thread-safe (LoadOnce); the table it returns is immutable.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "common/status.h"

namespace esim {

struct TlsLibrary {
  decltype(&::SSL_CTX_get_cert_store) SSL_CTX_get_cert_store = nullptr;
  decltype(&::SSL_CTX_set_cert_verify_callback) SSL_CTX_set_cert_verify_callback = nullptr;
  decltype(&::X509_STORE_CTX_get0_cert) X509_STORE_CTX_get0_cert = nullptr;

  // The process-wide table; kInternal naming what is missing otherwise; same answer every call.
  static Result<const TlsLibrary*> Load();
};

}  // namespace esim
