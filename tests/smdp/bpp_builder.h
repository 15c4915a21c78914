// Builds a BoundProfilePackage (SGP.22 §2.5.4, download-facts §3) for one download session:
//   BF36 { BF23 InitialiseSecureChannel, A0 { 87 ConfigureISDP }, A1 { 88.. StoreMetadata },
//          [A2 { 87 ReplaceSessionKeys }], A3 { 86.. profile package } }
// with its own one-time key pair, ECDH with the eUICC's otPK, the X9.63 KDF and BspSession
// (common/bsp_crypto.h). Every 86/87/88 segment is at most 1020 bytes including tag, length
// and MAC. Stateless; thread-safe.
#pragma once

#include <openssl/evp.h>

#include <optional>

#include "common/bsp_crypto.h"
#include "common/bytes.h"
#include "common/status.h"

namespace esim::smdp {

// The largest plaintext per segment so that the protected TLV stays within 1020 bytes:
// 86/87 are padded to a multiple of 16 (80 00.. always), then MAC 8, tag 1, length 82 xx xx.
inline constexpr size_t kMaxSegment = 1020;
inline constexpr size_t kMaxEncryptedPlaintext = 1007;  // padded 1008 + 8 + 1 + 3 = 1020
inline constexpr size_t kMaxMacOnlyPlaintext = 1008;    // 1008 + 8 + 1 + 3 = 1020

struct BppRequest {
  Bytes transaction_id;
  Bytes euicc_otpk;      // 65 bytes 04‖X‖Y from euiccSigned2
  Bytes eid;             // 16 bytes
  Bytes host_id;         // 1..16 bytes
  Bytes store_metadata;  // BF25 DER
  Bytes profile_package; // the UPP
  bool replace_session_keys = true;
  EVP_PKEY* dppb_key = nullptr;  // signs smdpSign
  // Test hooks: a fixed one-time key / profile protection keys (else fresh random ones),
  // a corrupted smdpSign, and the 1-based index of the segment whose MAC is corrupted
  // (0: none; -1: the last 86).
  EVP_PKEY* smdp_ot_key = nullptr;
  std::optional<bsp::SessionKeys> ppk;
  bool corrupt_smdp_sign = false;
  int bad_mac_segment = 0;
};

struct Bpp {
  Bytes der;              // the whole BF36
  size_t segments = 0;    // how many 86/87/88 segments
  size_t segments86 = 0;
};

// The protected members after BF23: A0 { 87 ConfigureISDP }, A1 { 88.. }, A2 { 87 RSK } (only
// with `ppk`: the profile is then protected with it) and A3 { 86.. }, each as a whole TLV.
// Exposed so the third-party vectors (session keys given) can be reproduced byte for byte.
struct ProtectedParts {
  Bytes a0, a1, a2, a3;  // a2 empty without ReplaceSessionKeys
  size_t segments = 0, segments86 = 0;
};
Result<ProtectedParts> ProtectBppParts(bsp::SessionKeys session_keys, ByteView store_metadata,
                                       const std::optional<bsp::SessionKeys>& ppk, ByteView package,
                                       int bad_mac_segment = 0);

// The BPP for `request`; kInvalidInput for a bad euiccOtpk or EID, kInternal if OpenSSL fails.
Result<Bpp> BuildBpp(const BppRequest& request);

// SharedInfo pieces of the BPP: keyType AES (88) and keyLen 16 (10).
inline constexpr uint8_t kKeyTypeAes = 0x88;
inline constexpr uint8_t kKeyLength = 0x10;

}  // namespace esim::smdp
