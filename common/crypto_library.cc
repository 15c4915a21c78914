#include "common/crypto_library.h"

#include <cstdlib>
#include <iostream>

#include "common/exit_codes.h"
#include "common/shared_library.h"

namespace esim {
namespace {

Result<const CryptoLibrary*> Open() {
  static CryptoLibrary table;
  ESIM_ASSIGN_OR_RETURN(SharedLibrary lib,
                        SharedLibrary::Open("libcrypto.so.3", "esimctl", "install the libssl3 package"));
#define ESIM_LIBCRYPTO_BIND(name) lib.Bind(#name, table.name);
  ESIM_LIBCRYPTO_FUNCTIONS(ESIM_LIBCRYPTO_BIND)
#undef ESIM_LIBCRYPTO_BIND
  ESIM_RETURN_IF_ERROR(lib.Check());
  return &table;
}

}  // namespace

Result<const CryptoLibrary*> CryptoLibrary::Load() { return LoadOnce(&Open); }

const CryptoLibrary& Crypto() {
  Result<const CryptoLibrary*> loaded = CryptoLibrary::Load();
  if (!loaded.ok()) {
    std::cerr << "esimctl: " << loaded.status().message() << std::endl;
    std::exit(ExitCodeFor(ErrorCode::kInternal));
  }
  return **loaded;
}

}  // namespace esim
