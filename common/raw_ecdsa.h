// ECDSA signatures in the form SGP.22 puts on the wire: r||s, 32 bytes each, big-endian (NIST
// P-256), where OpenSSL speaks X9.62 DER. One verifier for every place that checks an eUICC's
// signature: the virtual eUICC's signer, the test SM-DP+ and the unit tests.
// Thread-safe: no state of its own; libcrypto is reached through Crypto() (common/crypto_library.h).
#pragma once

#include <openssl/evp.h>

#include "common/bytes.h"
#include "common/status.h"

namespace esim {

// True iff `r_s` is 64 bytes and a valid ECDSA-with-SHA-256 signature by `key` over `data`.
// Leaves no error on libcrypto's error queue.
bool VerifyRawEcdsaSha256(EVP_PKEY* key, ByteView data, ByteView r_s);

// The ECDSA-with-SHA-256 signature of `data` by the P-256 private `key`, as r||s (64 bytes);
// kInternal if libcrypto fails.
Result<Bytes> SignRawEcdsaSha256(EVP_PKEY* key, ByteView data);

}  // namespace esim
