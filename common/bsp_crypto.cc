#include "common/bsp_crypto.h"

#include <array>
#include <optional>
#include <string>
#include <utility>

namespace esim::bsp {
namespace {

constexpr size_t kKeySize = 16;   // AES-128
constexpr size_t kBlock = 16;     // AES block
constexpr size_t kMacSize = 8;    // the segment carries CMAC[0..8)
constexpr size_t kCoordinate = 32;  // P-256 field element

// A Status naming what failed, with libcrypto's first queued reason; the queue is cleared so no
// stale error confuses the next caller.
Status LibcryptoFailure(const std::string& what, ErrorCode code = ErrorCode::kInternal) {
  const unsigned long err = Crypto().ERR_get_error();
  std::string message = what;
  if (err != 0) {
    std::array<char, 256> text{};
    Crypto().ERR_error_string_n(err, text.data(), text.size());
    message += ": ";
    message += text.data();
  }
  Crypto().ERR_clear_error();
  return Status(code, message);
}

// Minimal BER length octets for `length` (definite form).
Bytes BerLength(size_t length) {
  if (length < 0x80) return {static_cast<uint8_t>(length)};
  Bytes digits;
  for (size_t n = length; n != 0; n >>= 8) digits.insert(digits.begin(), static_cast<uint8_t>(n & 0xFF));
  Bytes out{static_cast<uint8_t>(0x80 | digits.size())};
  out.insert(out.end(), digits.begin(), digits.end());
  return out;
}

bool IsKeySetUsable(const SessionKeys& keys) {
  return keys.s_enc.size() == kKeySize && keys.s_mac.size() == kKeySize &&
         keys.initial_mac_chaining_value.size() == kBlock;
}

// One AES-128 pass without EVP's padding (`mode` is EVP_aes_128_cbc or _ecb); `in` must be whole
// blocks. The 80 00.. padding of SCP03t is added and removed by the callers.
Result<Bytes> Aes128(const EVP_CIPHER* mode, ByteView key, const uint8_t* iv, ByteView in, bool encrypt) {
  CipherCtxPtr ctx(Crypto().EVP_CIPHER_CTX_new());
  if (!ctx || Crypto().EVP_CipherInit_ex(ctx.get(), mode, nullptr, key.data(), iv, encrypt ? 1 : 0) != 1 ||
      Crypto().EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1) {
    return LibcryptoFailure("AES-128 initialisation");
  }
  Bytes out(in.size() + kBlock);
  int written = 0;
  int final_written = 0;
  if (Crypto().EVP_CipherUpdate(ctx.get(), out.data(), &written, in.data(), static_cast<int>(in.size())) != 1 ||
      Crypto().EVP_CipherFinal_ex(ctx.get(), out.data() + written, &final_written) != 1) {
    return LibcryptoFailure("AES-128");
  }
  out.resize(static_cast<size_t>(written + final_written));
  return out;
}

// The CBC IV of segment `counter`: AES-ECB(S-ENC, counter as a 16-byte big-endian block).
Result<Bytes> SegmentIv(ByteView s_enc, uint32_t counter) {
  std::array<uint8_t, kBlock> block{};
  for (size_t i = 0; i < 4; ++i) block[kBlock - 1 - i] = static_cast<uint8_t>(counter >> (8 * i));
  return Aes128(Crypto().EVP_aes_128_ecb(), s_enc, nullptr, block, true);
}

// AES-CMAC (16 bytes) of chaining value ‖ header ‖ payload under S-MAC, through EVP_MAC.
Result<Bytes> Cmac(ByteView s_mac, ByteView chaining_value, ByteView header, ByteView payload) {
  EvpMacPtr mac(Crypto().EVP_MAC_fetch(nullptr, "CMAC", nullptr));
  if (!mac) return LibcryptoFailure("EVP_MAC_fetch(CMAC)");
  EvpMacCtxPtr ctx(Crypto().EVP_MAC_CTX_new(mac.get()));
  char cipher_name[] = "AES-128-CBC";
  const OSSL_PARAM params[] = {
      Crypto().OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher_name, 0),
      Crypto().OSSL_PARAM_construct_end(),
  };
  if (!ctx || Crypto().EVP_MAC_init(ctx.get(), s_mac.data(), s_mac.size(), params) != 1 ||
      Crypto().EVP_MAC_update(ctx.get(), chaining_value.data(), chaining_value.size()) != 1 ||
      Crypto().EVP_MAC_update(ctx.get(), header.data(), header.size()) != 1 ||
      Crypto().EVP_MAC_update(ctx.get(), payload.data(), payload.size()) != 1) {
    return LibcryptoFailure("AES-CMAC");
  }
  Bytes out(kBlock);
  size_t length = 0;
  if (Crypto().EVP_MAC_final(ctx.get(), out.data(), &length, out.size()) != 1 || length != kBlock) {
    return LibcryptoFailure("AES-CMAC final");
  }
  return out;
}

bool IsP256(EVP_PKEY* key) {
  if (key == nullptr || Crypto().EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  std::array<char, 64> group{};
  size_t length = 0;
  if (Crypto().EVP_PKEY_get_group_name(key, group.data(), group.size(), &length) != 1) {
    Crypto().ERR_clear_error();
    return false;
  }
  const std::string name(group.data(), length);
  return name == "prime256v1" || name == "P-256";
}

// The parts of one received segment: where its header ends and its payload/MAC split.
struct SegmentParts {
  uint8_t tag = 0;
  ByteView header;   // tag and BER length, as received (the MAC covers them)
  ByteView payload;  // ciphertext (86/87) or plaintext (88)
  ByteView mac;      // the 8 MAC bytes
};

// Splits `segment` if it is exactly one 86/87/88 TLV whose value holds at least the MAC.
std::optional<SegmentParts> SplitSegment(ByteView segment) {
  if (segment.size() < 2) return std::nullopt;
  const uint8_t tag = segment[0];
  if (tag != 0x86 && tag != 0x87 && tag != 0x88) return std::nullopt;
  size_t at = 1;
  size_t length = segment[at++];
  if (length & 0x80) {
    const size_t count = length & 0x7F;
    if (count == 0 || count > 3 || segment.size() < at + count) return std::nullopt;
    length = 0;
    for (size_t i = 0; i < count; ++i) length = (length << 8) | segment[at++];
  }
  if (length != segment.size() - at || length < kMacSize) return std::nullopt;
  SegmentParts parts;
  parts.tag = tag;
  parts.header = segment.first(at);
  parts.payload = segment.subspan(at, length - kMacSize);
  parts.mac = segment.last(kMacSize);
  return parts;
}

}  // namespace

Result<SessionKeys> DeriveSessionKeys(ByteView shared_secret, uint8_t key_type, uint8_t key_length,
                                      ByteView host_id, ByteView eid) {
  if (eid.size() != 16) return Status(ErrorCode::kInvalidInput, "EID for the BSP key derivation is not 16 bytes");
  if (host_id.size() > 255) return Status(ErrorCode::kInvalidInput, "host ID longer than 255 bytes");
  Bytes shared_info{key_type, key_length, static_cast<uint8_t>(host_id.size())};
  shared_info.insert(shared_info.end(), host_id.begin(), host_id.end());
  shared_info.push_back(0x10);
  shared_info.insert(shared_info.end(), eid.begin(), eid.end());

  EvpKdfPtr kdf(Crypto().EVP_KDF_fetch(nullptr, OSSL_KDF_NAME_X963KDF, nullptr));
  if (!kdf) return LibcryptoFailure("EVP_KDF_fetch(X963KDF)");
  EvpKdfCtxPtr ctx(Crypto().EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return LibcryptoFailure("EVP_KDF_CTX_new");
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {
      Crypto().OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
      Crypto().OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(shared_secret.data()),
                                                 shared_secret.size()),
      Crypto().OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, shared_info.data(), shared_info.size()),
      Crypto().OSSL_PARAM_construct_end(),
  };
  std::array<uint8_t, 3 * kKeySize> out{};
  if (Crypto().EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    return LibcryptoFailure("X9.63 KDF");
  }
  SessionKeys keys;
  keys.initial_mac_chaining_value.assign(out.begin(), out.begin() + 16);
  keys.s_enc.assign(out.begin() + 16, out.begin() + 32);
  keys.s_mac.assign(out.begin() + 32, out.end());
  Crypto().OPENSSL_cleanse(out.data(), out.size());  // the keys live on only in `keys`
  return keys;
}

Result<EvpPkeyPtr> GenerateP256KeyPair() {
  EvpPkeyPtr key(Crypto().EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) return LibcryptoFailure("P-256 key generation");
  return key;
}

Result<Bytes> UncompressedPublicKey(EVP_PKEY* key) {
  if (!IsP256(key)) return Status(ErrorCode::kInvalidInput, "not a P-256 key");
  // The coordinates rather than the encoded point: the encoding follows the key's conversion
  // form, which a key read from elsewhere may have set to compressed.
  BIGNUM* x_raw = nullptr;
  BIGNUM* y_raw = nullptr;
  const int got_x = Crypto().EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, &x_raw);
  BnPtr x(x_raw);
  const int got_y = Crypto().EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, &y_raw);
  BnPtr y(y_raw);
  if (got_x != 1 || got_y != 1) return LibcryptoFailure("public key coordinates");
  Bytes point(1 + 2 * kCoordinate);
  point[0] = 0x04;
  if (Crypto().BN_bn2binpad(x.get(), point.data() + 1, kCoordinate) != static_cast<int>(kCoordinate) ||
      Crypto().BN_bn2binpad(y.get(), point.data() + 1 + kCoordinate, kCoordinate) != static_cast<int>(kCoordinate)) {
    return LibcryptoFailure("public key coordinates");
  }
  return point;
}

Result<EvpPkeyPtr> PublicKeyFromUncompressed(ByteView point) {
  if (point.size() != 1 + 2 * kCoordinate || point[0] != 0x04) {
    return Status(ErrorCode::kInvalidInput, "public key is not a 65-byte uncompressed point (04 || X || Y)");
  }
  EvpPkeyCtxPtr ctx(Crypto().EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  if (!ctx || Crypto().EVP_PKEY_fromdata_init(ctx.get()) != 1) return LibcryptoFailure("EC key import");
  char group[] = "prime256v1";
  const OSSL_PARAM params[] = {
      Crypto().OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, group, 0),
      Crypto().OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<uint8_t*>(point.data()),
                                                 point.size()),
      Crypto().OSSL_PARAM_construct_end(),
  };
  EVP_PKEY* raw = nullptr;
  // Import decodes the point, which fails for one off the curve.
  if (Crypto().EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, const_cast<OSSL_PARAM*>(params)) != 1) {
    return LibcryptoFailure("public key is not a point on P-256", ErrorCode::kInvalidInput);
  }
  EvpPkeyPtr key(raw);
  // And the full public-key check (on the curve, not the point at infinity, right order).
  EvpPkeyCtxPtr check(Crypto().EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || Crypto().EVP_PKEY_public_check(check.get()) != 1) {
    return LibcryptoFailure("public key is not a valid P-256 point", ErrorCode::kInvalidInput);
  }
  return key;
}

Result<Bytes> EcdhSharedSecret(EVP_PKEY* own, EVP_PKEY* peer) {
  if (!IsP256(own) || !IsP256(peer)) return Status(ErrorCode::kInvalidInput, "ECDH needs two P-256 keys");
  EvpPkeyCtxPtr ctx(Crypto().EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
  if (!ctx || Crypto().EVP_PKEY_derive_init(ctx.get()) != 1) return LibcryptoFailure("ECDH initialisation");
  if (Crypto().EVP_PKEY_derive_set_peer_ex(ctx.get(), peer, 1) != 1) {
    return LibcryptoFailure("ECDH peer key", ErrorCode::kInvalidInput);
  }
  size_t length = 0;
  if (Crypto().EVP_PKEY_derive(ctx.get(), nullptr, &length) != 1 || length != kCoordinate) {
    return LibcryptoFailure("ECDH");
  }
  Bytes secret(length);
  if (Crypto().EVP_PKEY_derive(ctx.get(), secret.data(), &length) != 1 || length != kCoordinate) {
    return LibcryptoFailure("ECDH");
  }
  return secret;
}

BspSession::BspSession(SessionKeys keys) : keys_(std::move(keys)) {}

void BspSession::Rekey(SessionKeys keys) {
  keys_ = std::move(keys);
  counter_ = 1;
}

Result<Bytes> BspSession::Protect(uint8_t tag, ByteView plaintext) {
  if (tag != 0x86 && tag != 0x87 && tag != 0x88) {
    return Status(ErrorCode::kInvalidInput, "BSP segment tag must be 86, 87 or 88");
  }
  if (!IsKeySetUsable(keys_)) return Status(ErrorCode::kInvalidInput, "BSP keys are not 16 bytes each");
  Bytes payload;
  if (tag == 0x88) {
    payload.assign(plaintext.begin(), plaintext.end());
  } else {
    Bytes padded(plaintext.begin(), plaintext.end());
    padded.push_back(0x80);  // always, even when the plaintext fills whole blocks
    padded.resize((padded.size() + kBlock - 1) / kBlock * kBlock, 0x00);
    ESIM_ASSIGN_OR_RETURN(const Bytes iv, SegmentIv(keys_.s_enc, counter_));
    ESIM_ASSIGN_OR_RETURN(payload, Aes128(Crypto().EVP_aes_128_cbc(), keys_.s_enc, iv.data(), padded, true));
  }
  Bytes segment{tag};
  const Bytes length = BerLength(payload.size() + kMacSize);
  segment.insert(segment.end(), length.begin(), length.end());
  ESIM_ASSIGN_OR_RETURN(Bytes mac, Cmac(keys_.s_mac, keys_.initial_mac_chaining_value, segment, payload));
  segment.insert(segment.end(), payload.begin(), payload.end());
  segment.insert(segment.end(), mac.begin(), mac.begin() + kMacSize);
  keys_.initial_mac_chaining_value = std::move(mac);
  ++counter_;
  return segment;
}

// Internal libcrypto failures come back as kInternal and leave `error` untouched: they say
// nothing about the segment.
Result<Bytes> BspSession::Open(ByteView segment, OpenError* error) {
  const auto refuse = [error](OpenError why, const char* message) {
    if (error != nullptr) *error = why;
    return Status(ErrorCode::kInvalidInput, message);
  };
  if (!IsKeySetUsable(keys_)) return Status(ErrorCode::kInvalidInput, "BSP keys are not 16 bytes each");
  const std::optional<SegmentParts> parts = SplitSegment(segment);
  if (!parts) return refuse(OpenError::kBadStructure, "not one 86/87/88 TLV holding an 8-byte MAC");
  const bool encrypted = parts->tag != 0x88;
  if (encrypted && (parts->payload.empty() || parts->payload.size() % kBlock != 0)) {
    return refuse(OpenError::kBadStructure, "encrypted segment is not whole AES blocks");
  }
  ESIM_ASSIGN_OR_RETURN(Bytes mac, Cmac(keys_.s_mac, keys_.initial_mac_chaining_value, parts->header, parts->payload));
  if (Crypto().CRYPTO_memcmp(mac.data(), parts->mac.data(), kMacSize) != 0) {
    return refuse(OpenError::kBadMac, "segment MAC does not verify");
  }
  Bytes plaintext;
  if (!encrypted) {
    plaintext.assign(parts->payload.begin(), parts->payload.end());
  } else {
    ESIM_ASSIGN_OR_RETURN(const Bytes iv, SegmentIv(keys_.s_enc, counter_));
    ESIM_ASSIGN_OR_RETURN(plaintext, Aes128(Crypto().EVP_aes_128_cbc(), keys_.s_enc, iv.data(), parts->payload, false));
    // 80 00..: strip trailing zeros, then exactly one 80, all within the last block.
    size_t end = plaintext.size();
    while (end > 0 && plaintext[end - 1] == 0x00) --end;
    if (end == 0 || plaintext[end - 1] != 0x80 || plaintext.size() - end >= kBlock) {
      return refuse(OpenError::kBadStructure, "segment padding is not 80 00..");
    }
    plaintext.resize(end - 1);
  }
  // Only a fully accepted segment moves the session on.
  keys_.initial_mac_chaining_value = std::move(mac);
  ++counter_;
  return plaintext;
}

}  // namespace esim::bsp
