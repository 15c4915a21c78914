#include "vcard/der.h"

#include <algorithm>

namespace esim::vcard::der {
namespace {

Status Malformed(const std::string& what) { return Status(ErrorCode::kInvalidInput, "DER: " + what); }

int TagLength(uint32_t tag) {
  if (tag > 0xFFFF) return 3;
  if (tag > 0xFF) return 2;
  return 1;
}

}  // namespace

bool Tlv::constructed() const {
  uint32_t first = tag;
  while (first > 0xFF) first >>= 8;
  return (first & 0x20) != 0;
}

Result<Tlv> ReadTlv(ByteView& in) {
  size_t pos = 0;
  if (in.empty()) return Malformed("missing element");
  uint32_t tag = in[pos++];
  if ((tag & 0x1F) == 0x1F) {
    // High tag number form: continuation bytes while bit 8 is set.
    for (int n = 0;; ++n) {
      if (pos >= in.size() || n == 2) return Malformed("bad tag");
      uint8_t b = in[pos++];
      tag = (tag << 8) | b;
      if ((b & 0x80) == 0) break;
    }
  }
  if (pos >= in.size()) return Malformed("missing length");
  size_t len = in[pos++];
  if (len == 0x80) return Malformed("indefinite length");
  if (len > 0x80) {
    size_t count = len & 0x7F;
    if (count > 4 || pos + count > in.size()) return Malformed("bad length");
    len = 0;
    for (size_t i = 0; i < count; ++i) len = (len << 8) | in[pos++];
  }
  if (len > in.size() - pos) return Malformed("length beyond end of data");
  Tlv tlv;
  tlv.tag = tag;
  tlv.value = in.subspan(pos, len);
  tlv.whole = in.subspan(0, pos + len);
  in = in.subspan(pos + len);
  return tlv;
}

Result<Tlv> ParseSingle(ByteView in) {
  ESIM_ASSIGN_OR_RETURN(Tlv tlv, ReadTlv(in));
  if (!in.empty()) return Malformed("trailing bytes after element");
  return tlv;
}

Result<std::vector<Tlv>> ReadChildren(ByteView contents) {
  std::vector<Tlv> out;
  while (!contents.empty()) {
    ESIM_ASSIGN_OR_RETURN(Tlv tlv, ReadTlv(contents));
    out.push_back(tlv);
  }
  return out;
}

std::optional<Tlv> Find(const std::vector<Tlv>& children, uint32_t tag) {
  for (const Tlv& t : children) {
    if (t.tag == tag) return t;
  }
  return std::nullopt;
}

Result<int64_t> ParseInteger(ByteView contents) {
  if (contents.empty()) return Malformed("empty INTEGER");
  size_t start = 0;
  // BER from some cards carries redundant leading bytes; strip them before the size check.
  while (contents.size() - start > 1 &&
         ((contents[start] == 0x00 && (contents[start + 1] & 0x80) == 0) ||
          (contents[start] == 0xFF && (contents[start + 1] & 0x80) != 0))) {
    ++start;
  }
  if (contents.size() - start > 8) return Malformed("INTEGER too large");
  uint64_t v = (contents[start] & 0x80) ? ~uint64_t{0} : 0;
  for (size_t i = start; i < contents.size(); ++i) v = (v << 8) | contents[i];
  return static_cast<int64_t>(v);
}

void Append(Bytes& out, uint32_t tag, ByteView value) {
  for (int i = TagLength(tag) - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(tag >> (8 * i)));
  size_t len = value.size();
  if (len < 0x80) {
    out.push_back(static_cast<uint8_t>(len));
  } else {
    int count = len > 0xFFFFFF ? 4 : len > 0xFFFF ? 3 : len > 0xFF ? 2 : 1;
    out.push_back(static_cast<uint8_t>(0x80 | count));
    for (int i = count - 1; i >= 0; --i) out.push_back(static_cast<uint8_t>(len >> (8 * i)));
  }
  out.insert(out.end(), value.begin(), value.end());
}

Bytes Wrap(uint32_t tag, ByteView value) {
  Bytes out;
  Append(out, tag, value);
  return out;
}

Bytes IntegerContents(int64_t value) {
  Bytes out;
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<uint8_t>(static_cast<uint64_t>(value) >> (8 * i)));
  size_t start = 0;
  while (start < 7 && ((out[start] == 0x00 && (out[start + 1] & 0x80) == 0) ||
                       (out[start] == 0xFF && (out[start + 1] & 0x80) != 0))) {
    ++start;
  }
  return Bytes(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
}

Bytes NamedBitsContents(ByteView bits) {
  size_t used = bits.size();
  while (used > 0 && bits[used - 1] == 0) --used;
  if (used == 0) return Bytes{0};
  uint8_t last = bits[used - 1];
  uint8_t unused = 0;
  while ((last & (1u << unused)) == 0) ++unused;
  // Sized once and filled: growing a one-byte vector by insert() trips g++ 12's -Warray-bounds
  // at -O3 (a false positive in the inlined memmove).
  Bytes out(used + 1);
  out[0] = unused;
  std::copy_n(bits.begin(), used, out.begin() + 1);
  return out;
}

Result<Bytes> BitStringBits(ByteView contents) {
  if (contents.empty() || contents[0] > 7 || (contents.size() == 1 && contents[0] != 0)) {
    return Malformed("bad BIT STRING");
  }
  return Bytes(contents.begin() + 1, contents.end());
}

std::string Text(ByteView value) { return std::string(value.begin(), value.end()); }

}  // namespace esim::vcard::der
