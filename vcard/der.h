// Minimal BER reader / DER writer for the virtual eUICC's own use.
//
// The card side deliberately does not use asn1/es10_codec: a simulator built on
// the same codec as the client would hide the codec's bugs instead of exposing
// them. This is just enough TLV handling for ES10: tags up to 3 bytes, definite
// lengths up to 4 bytes. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::vcard::der {

// One parsed element. Views point into the caller's buffer.
struct Tlv {
  uint32_t tag = 0;      // tag bytes big-endian, e.g. 0xBF2D, 0x5A, 0x9F70
  ByteView value;        // the contents
  ByteView whole;        // tag + length + contents
  bool constructed() const;
};

// Reads one element from the front of `in` and advances `in` past it.
// Accepts BER length forms (long form where short would do); indefinite lengths fail.
Result<Tlv> ReadTlv(ByteView& in);
// Parses `in` as exactly one element (no trailing bytes).
Result<Tlv> ParseSingle(ByteView in);
// Parses the contents of a constructed element into its children.
Result<std::vector<Tlv>> ReadChildren(ByteView contents);
// The first child with `tag`, if any.
std::optional<Tlv> Find(const std::vector<Tlv>& children, uint32_t tag);

// INTEGER contents → value (BER: leading zero bytes accepted; up to 8 bytes).
Result<int64_t> ParseInteger(ByteView contents);

// Appends tag + DER length + value.
void Append(Bytes& out, uint32_t tag, ByteView value);
// Returns tag + DER length + value.
Bytes Wrap(uint32_t tag, ByteView value);
inline Bytes Wrap(uint32_t tag, std::string_view text) {
  return Wrap(tag, ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));  // NOLINT
}
// DER INTEGER contents (minimal two's complement).
Bytes IntegerContents(int64_t value);
// DER contents of a named-bit BIT STRING whose bits (bit 0 = MSB of byte 0) are in `bits`:
// trailing zero bits are dropped, the unused-bits count is prepended.
Bytes NamedBitsContents(ByteView bits);
// The bit bytes of BIT STRING contents (the unused-bits byte removed).
Result<Bytes> BitStringBits(ByteView contents);
// Text of a UTF8String value.
std::string Text(ByteView value);

}  // namespace esim::vcard::der
