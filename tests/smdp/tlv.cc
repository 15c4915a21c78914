#include "tests/smdp/tlv.h"

namespace esim::smdp {

Result<Tlv> ReadTlv(ByteView der, size_t at) {
  auto bad = [] { return Status(ErrorCode::kInvalidInput, "truncated or malformed DER"); };
  Tlv t;
  t.begin = at;
  if (at >= der.size()) return bad();
  t.tag = der[at++];
  if ((t.tag & 0x1F) == 0x1F) {
    int n = 0;
    do {
      if (at >= der.size() || ++n > 2) return bad();
      t.tag = (t.tag << 8) | der[at];
    } while (der[at++] & 0x80);
  }
  if (at >= der.size()) return bad();
  size_t length = der[at++];
  if (length & 0x80) {
    size_t count = length & 0x7F;
    if (count == 0 || count > 3) return bad();
    length = 0;
    while (count-- > 0) {
      if (at >= der.size()) return bad();
      length = (length << 8) | der[at++];
    }
  }
  if (length > der.size() - at) return bad();
  t.value_begin = at;
  t.end = at + length;
  return t;
}

Result<std::vector<Tlv>> Children(ByteView der, const Tlv& parent) {
  std::vector<Tlv> out;
  for (size_t at = parent.value_begin; at < parent.end;) {
    ESIM_ASSIGN_OR_RETURN(Tlv t, ReadTlv(der.first(parent.end), at));
    out.push_back(t);
    at = t.end;
  }
  return out;
}

Result<Tlv> ReadOnly(ByteView der, uint32_t tag) {
  ESIM_ASSIGN_OR_RETURN(Tlv t, ReadTlv(der, 0));
  if (t.tag != tag || t.end != der.size())
    return Status(ErrorCode::kInvalidInput, "expected exactly one " + ToHex(EncodeTag(tag)) + " element");
  return t;
}

std::optional<Tlv> Find(const std::vector<Tlv>& children, uint32_t tag) {
  for (const Tlv& t : children)
    if (t.tag == tag) return t;
  return std::nullopt;
}

int SmallUnsigned(ByteView v) {
  if (v.empty() || v.size() > 2) return -1;
  int n = 0;
  for (uint8_t b : v) n = (n << 8) | b;
  return n;
}

Bytes EncodeTag(uint32_t tag) {
  Bytes out;
  if (tag > 0xFFFF) out.push_back(static_cast<uint8_t>(tag >> 16));
  if (tag > 0xFF) out.push_back(static_cast<uint8_t>(tag >> 8));
  out.push_back(static_cast<uint8_t>(tag));
  return out;
}

Bytes EncodeLength(size_t length) {
  if (length < 0x80) return {static_cast<uint8_t>(length)};
  if (length <= 0xFF) return {0x81, static_cast<uint8_t>(length)};
  if (length <= 0xFFFF) return {0x82, static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
  return {0x83, static_cast<uint8_t>(length >> 16), static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)};
}

Bytes Wrap(uint32_t tag, ByteView value) {
  Bytes out = EncodeTag(tag);
  Bytes len = EncodeLength(value.size());
  out.insert(out.end(), len.begin(), len.end());
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

Bytes Concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

}  // namespace esim::smdp
