// Bound profile package protection (SGP.22 §2.6.6 "BSP", SCP03t-style), both directions.
//
// The SM-DP+ protects the BoundProfilePackage's segments (87: encrypted and MACed, 88: MACed
// only, 86: encrypted and MACed, at most 1020 bytes each) with session keys both sides derive
// from an ECKA shared secret; the eUICC checks and opens them in the same order.
// ../shared/docs/download-facts.md §4 states the rules; ../shared/vectors/bsp-vectors.json holds
// byte-exact vectors from a third-party SM-DP+ (tests/unit/common/bsp_crypto_test.cc reproduces
// them). Used by the virtual eUICC (vcard/, Open) and the test SM-DP+ (tests/smdp, Protect); the
// LPA only forwards the segments and never needs it.
//
// All primitives are OpenSSL 3's (EVP ECDH derive, SHA-256, AES-128-CBC/ECB, CMAC through
// EVP_MAC), reached through Crypto() (common/crypto_library.h): nothing hand-written.
// Threading: the free functions are thread-safe; a BspSession is one direction of one
// download, used by one thread.
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "common/openssl_ptr.h"
#include "common/status.h"

namespace esim::bsp {

// The three values the X9.63 KDF yields (16 bytes each).
struct SessionKeys {
  Bytes initial_mac_chaining_value;  // KDF output [0..16)
  Bytes s_enc;                       // [16..32)
  Bytes s_mac;                       // [32..48)
};

// ANSI X9.63 KDF with SHA-256 over `shared_secret` (the 32-byte x-coordinate of the ECDH
// result), SharedInfo = key_type ‖ key_length ‖ len(host_id) ‖ host_id ‖ 0x10 ‖ eid (16 bytes);
// 48 bytes out, split as SessionKeys. kInvalidInput if eid is not 16 bytes or host_id is longer
// than 255 bytes.
Result<SessionKeys> DeriveSessionKeys(ByteView shared_secret, uint8_t key_type, uint8_t key_length,
                                      ByteView host_id, ByteView eid);

// A new P-256 key pair (the one-time keys otSK/otPK.EUICC.ECKA and otSK/otPK.DP.ECKA).
Result<EvpPkeyPtr> GenerateP256KeyPair();
// The public key of `key` as the uncompressed point 04 ‖ X ‖ Y (65 bytes), as 5F49 carries it.
Result<Bytes> UncompressedPublicKey(EVP_PKEY* key);
// A P-256 public key from its uncompressed point (65 bytes starting 04); kInvalidInput if it
// is not a point on the curve.
Result<EvpPkeyPtr> PublicKeyFromUncompressed(ByteView point);
// ECDH(own private key, peer public key): the 32-byte x-coordinate of the shared point.
Result<Bytes> EcdhSharedSecret(EVP_PKEY* own, EVP_PKEY* peer);

// Why Open() refused a segment; maps to ProfileInstallationResult's errorReason.
enum class OpenError {
  kBadMac,        // the MAC does not verify: scp03tSecurityError (8)
  kBadStructure,  // not 86/87/88, shorter than its MAC, not a multiple of 16, bad padding:
                  // scp03tStructureError (7)
};

// One key set's protection state: S-ENC, S-MAC, the MAC chaining value and the block counter
// (starts at 1, counts every segment, 88 included). After ReplaceSessionKeys call Rekey.
class BspSession {
 public:
  explicit BspSession(SessionKeys keys);

  // SM-DP+ side: the whole segment `tag L payload MAC8` for `plaintext`. Tags 86 and 87 are
  // encrypted (plaintext padded 80 00.. always, IV = AES-ECB(S-ENC, counter as 16 bytes big
  // endian)), 88 is MACed only. kInvalidInput for another tag; kInternal if OpenSSL fails.
  Result<Bytes> Protect(uint8_t tag, ByteView plaintext);

  // eUICC side: checks the MAC of one whole segment (tag, BER length, payload, 8-byte MAC)
  // and returns its plaintext (decrypted and unpadded for 86/87). On failure the session
  // state is unchanged and `error` (when given) says why; the Status is kInvalidInput.
  Result<Bytes> Open(ByteView segment, OpenError* error = nullptr);

  // ReplaceSessionKeys: new S-ENC, S-MAC and chaining value; the counter restarts at 1.
  void Rekey(SessionKeys keys);

  // The current MAC chaining value (16 bytes) and the next segment's counter.
  const Bytes& mac_chaining_value() const { return keys_.initial_mac_chaining_value; }
  uint32_t counter() const { return counter_; }

 private:
  SessionKeys keys_;  // initial_mac_chaining_value holds the current chaining value
  uint32_t counter_ = 1;
};

}  // namespace esim::bsp
