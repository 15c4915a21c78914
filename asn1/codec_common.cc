// Codec helpers that need no asn1c: ICCID BCD, EID check digits, extCardResource,
// and PendingNotification::metadata().
#include <cctype>

#include "asn1/es10_codec.h"

namespace esim::es10 {

namespace {
constexpr size_t kIccidBytes = 10;
}  // namespace

Result<Bytes> EncodeIccid(const Iccid& digits) {
  if (digits.size() < 18 || digits.size() > 20) {
    return Status(ErrorCode::kInvalidInput,
                  "ICCID must have 18 to 20 digits, \"" + digits + "\" has " + std::to_string(digits.size()));
  }
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return Status(ErrorCode::kInvalidInput, "ICCID must be decimal digits: \"" + digits + "\"");
    }
  }
  // EF.ICCID coding: F-padded to 20 nibbles, low nibble first in each byte.
  std::string padded = digits;
  padded.resize(kIccidBytes * 2, 'F');
  auto nibble = [](char c) { return static_cast<uint8_t>(c == 'F' ? 0xF : c - '0'); };
  Bytes bcd(kIccidBytes);
  for (size_t i = 0; i < kIccidBytes; ++i) {
    bcd[i] = static_cast<uint8_t>(nibble(padded[2 * i]) | (nibble(padded[2 * i + 1]) << 4));
  }
  return bcd;
}

Result<Iccid> DecodeIccid(ByteView bcd) {
  if (bcd.size() != kIccidBytes) {
    return Status(ErrorCode::kMalformedResponse,
                  "ICCID must be 10 bytes, got " + std::to_string(bcd.size()) + " (" + ToHex(bcd) + ")");
  }
  Iccid digits;
  bool filler_seen = false;
  for (uint8_t byte : bcd) {
    for (uint8_t nibble : {static_cast<uint8_t>(byte & 0x0F), static_cast<uint8_t>(byte >> 4)}) {
      if (nibble == 0xF) {
        filler_seen = true;
      } else if (nibble > 9 || filler_seen) {
        return Status(ErrorCode::kMalformedResponse, "ICCID is not F-padded BCD: " + ToHex(bcd));
      } else {
        digits += static_cast<char>('0' + nibble);
      }
    }
  }
  if (digits.size() < 18) {
    return Status(ErrorCode::kMalformedResponse, "ICCID has fewer than 18 digits: " + ToHex(bcd));
  }
  return digits;
}

bool IsValidEid(const Eid& eid) {
  if (eid.size() != 32) return false;
  // ISO 7064 MOD 97-10 over the whole number, check digits included: remainder 1.
  unsigned remainder = 0;
  for (char c : eid) {
    if (c < '0' || c > '9') return false;
    remainder = (remainder * 10 + static_cast<unsigned>(c - '0')) % 97;
  }
  return remainder == 1;
}

ExtCardResource ParseExtCardResource(ByteView ext_card_resource) {
  ExtCardResource result;
  ByteView rest = ext_card_resource;
  // Simple TLVs (one-byte tags, short lengths) per ETSI TS 102 226; stop at the
  // first thing that is not one, keeping what was understood.
  while (rest.size() >= 2) {
    const uint8_t tag = rest[0];
    const size_t length = rest[1];
    if (length > rest.size() - 2 || length > 8) break;
    uint64_t value = 0;
    for (uint8_t byte : rest.subspan(2, length)) value = (value << 8) | byte;
    if (tag == 0x81) result.installedApplications = value;
    if (tag == 0x82) result.freeNonVolatileMemory = value;
    if (tag == 0x83) result.freeVolatileMemory = value;
    rest = rest.subspan(2 + length);
  }
  return result;
}

const NotificationMetadata& PendingNotification::metadata() const {
  if (const auto* install = std::get_if<ProfileInstallationResult>(&value)) {
    return install->notificationMetadata;
  }
  return std::get<OtherSignedNotification>(value).tbsOtherNotification;
}

}  // namespace esim::es10
