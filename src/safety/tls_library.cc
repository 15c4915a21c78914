#include "src/safety/tls_library.h"

#include "common/shared_library.h"

namespace esim {
namespace {

Result<const TlsLibrary*> Open() {
  static TlsLibrary table;
  ESIM_ASSIGN_OR_RETURN(SharedLibrary lib, SharedLibrary::Open("libssl.so.3", "TLS to an SM-DP+",
                                                               "install the libssl3 package"));
  ESIM_RETURN_IF_ERROR(lib.Bind("SSL_CTX_get_cert_store", table.SSL_CTX_get_cert_store)
                           .Bind("SSL_CTX_set_cert_verify_callback", table.SSL_CTX_set_cert_verify_callback)
                           .Bind("X509_STORE_CTX_get0_cert", table.X509_STORE_CTX_get0_cert)
                           .Check());
  return &table;
}

}  // namespace

Result<const TlsLibrary*> TlsLibrary::Load() { return LoadOnce(&Open); }

}  // namespace esim
