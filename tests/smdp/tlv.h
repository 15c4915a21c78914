// Minimal DER/BER-TLV reading and writing for the test SM-DP+.
//
// The ES9+ messages are signed over exact bytes (euiccSigned1, euiccSigned2, the BF27 of a
// ProfileInstallationResult), so the server reads them as raw TLVs and keeps the bytes instead
// of decoding and re-encoding; and it builds what it signs (serverSigned1, smdpSigned2, BF23)
// the same way. Only definite lengths up to 3 length bytes and tags up to 3 bytes are accepted:
// nothing in SGP.22 needs more. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::smdp {

// One TLV inside a buffer: its tag (e.g. 0xBF25) and where its header, value and end are.
struct Tlv {
  uint32_t tag = 0;
  size_t begin = 0;        // first tag byte
  size_t value_begin = 0;  // first value byte
  size_t end = 0;          // one past the last value byte
  size_t value_size() const { return end - value_begin; }
};

// The TLV starting at `at`; kInvalidInput if truncated or malformed.
Result<Tlv> ReadTlv(ByteView der, size_t at);
// The TLV's whole bytes (tag, length, value) and its value.
inline ByteView Whole(ByteView der, const Tlv& t) { return der.subspan(t.begin, t.end - t.begin); }
inline ByteView Value(ByteView der, const Tlv& t) { return der.subspan(t.value_begin, t.value_size()); }
// The direct children of `parent` (a constructed TLV inside `der`), in order.
Result<std::vector<Tlv>> Children(ByteView der, const Tlv& parent);
// The whole buffer as exactly one TLV with `tag`; kInvalidInput otherwise.
Result<Tlv> ReadOnly(ByteView der, uint32_t tag);
// The first child with `tag`, if any.
std::optional<Tlv> Find(const std::vector<Tlv>& children, uint32_t tag);

// A 1-2 byte INTEGER value read as unsigned (codes, reasons, sequence numbers); -1 otherwise.
int SmallUnsigned(ByteView value);

// Tag bytes (1-3 bytes, as written) and a DER length.
Bytes EncodeTag(uint32_t tag);
Bytes EncodeLength(size_t length);
// tag ‖ DER length ‖ value.
Bytes Wrap(uint32_t tag, ByteView value);
// The concatenation of `parts`.
Bytes Concat(std::initializer_list<ByteView> parts);
inline ByteView View(const std::string& s) {
  return ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace esim::smdp
