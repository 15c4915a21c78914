#include "asn1/tlv.h"

namespace esim::tlv {
namespace {

Status Malformed(std::string message) { return Status(ErrorCode::kMalformedResponse, std::move(message)); }

std::string TagHex(uint32_t tag) {
  Bytes bytes;
  for (int shift = 24; shift >= 0; shift -= 8) {
    auto b = static_cast<uint8_t>(tag >> shift);
    if (b != 0 || !bytes.empty() || shift == 0) bytes.push_back(b);
  }
  return ToHex(bytes);
}

}  // namespace

bool Element::constructed() const { return !whole.empty() && (whole[0] & 0x20) != 0; }

Result<Header> ReadHeader(ByteView in) {
  if (in.empty()) return Malformed("empty element");
  Header header;
  size_t at = 0;
  header.tag = in[at++];
  if ((header.tag & 0x1F) == 0x1F) {
    for (int i = 0;; ++i) {
      if (at >= in.size() || i >= 3) return Malformed("truncated or over-long tag");
      uint8_t b = in[at++];
      header.tag = (header.tag << 8) | b;
      if ((b & 0x80) == 0) break;
    }
  }
  if (at >= in.size()) return Malformed("element " + TagHex(header.tag) + " has no length");
  uint8_t first = in[at++];
  if (first < 0x80) {
    header.value_length = first;
  } else {
    size_t count = first & 0x7F;
    if (count == 0) return Malformed("element " + TagHex(header.tag) + " has an indefinite length");
    if (count > 4) return Malformed("element " + TagHex(header.tag) + " has an over-long length");
    if (at + count > in.size()) return Malformed("element " + TagHex(header.tag) + " has a truncated length");
    for (size_t i = 0; i < count; ++i) header.value_length = (header.value_length << 8) | in[at++];
  }
  header.header_size = at;
  return header;
}

Result<Element> ReadElement(ByteView in) {
  ESIM_ASSIGN_OR_RETURN(Header header, ReadHeader(in));
  if (header.value_length > in.size() - header.header_size) {
    return Malformed("element " + TagHex(header.tag) + " announces " + std::to_string(header.value_length) +
                     " bytes but " + std::to_string(in.size() - header.header_size) + " follow");
  }
  Element element;
  element.tag = header.tag;
  element.value = in.subspan(header.header_size, header.value_length);
  element.whole = in.subspan(0, header.header_size + header.value_length);
  return element;
}

Result<Element> ReadOnly(ByteView in, uint32_t tag, const std::string& what) {
  Result<Element> element = ReadElement(in);
  if (!element.ok()) return element.status().WithContext(what);
  if (element->tag != tag) return Malformed(what + ": expected tag " + TagHex(tag) + ", got " + TagHex(element->tag));
  if (element->whole.size() != in.size()) return Malformed(what + ": trailing bytes after the element");
  return element;
}

Result<std::optional<Element>> TlvReader::Peek() const {
  if (rest_.empty()) return std::optional<Element>();
  Result<Element> element = ReadElement(rest_);
  if (!element.ok()) return element.status().WithContext(what_);
  return std::optional<Element>(*element);
}

Result<Element> TlvReader::Required(uint32_t tag, const char* member) {
  ESIM_ASSIGN_OR_RETURN(std::optional<Element> next, Peek());
  if (!next) return Malformed(what_ + ": " + member + " (" + TagHex(tag) + ") is missing");
  if (next->tag != tag) {
    return Malformed(what_ + ": expected " + member + " (" + TagHex(tag) + "), got tag " + TagHex(next->tag));
  }
  rest_ = rest_.subspan(next->whole.size());
  return *next;
}

Result<std::optional<Element>> TlvReader::Optional(uint32_t tag) {
  ESIM_ASSIGN_OR_RETURN(std::optional<Element> next, Peek());
  if (!next || next->tag != tag) return std::optional<Element>();
  rest_ = rest_.subspan(next->whole.size());
  return next;
}

Result<std::vector<Element>> TlvReader::List(uint32_t tag) {
  std::vector<Element> list;
  for (;;) {
    ESIM_ASSIGN_OR_RETURN(std::optional<Element> next, Optional(tag));
    if (!next) return list;
    list.push_back(*next);
  }
}

Result<Element> TlvReader::Find(uint32_t tag, const char* member) {
  for (;;) {
    ESIM_ASSIGN_OR_RETURN(std::optional<Element> next, Peek());
    if (!next) return Malformed(what_ + ": " + member + " (" + TagHex(tag) + ") is missing");
    rest_ = rest_.subspan(next->whole.size());
    if (next->tag == tag) return *next;
  }
}

Status TlvReader::ExpectDone() const {
  if (done()) return Status::Ok();
  return Malformed(what_ + ": unexpected member after the last one");
}

Result<int64_t> ToInteger(const Element& element, const char* member) {
  if (element.value.empty() || element.value.size() > 8) {
    return Malformed(std::string(member) + ": an integer of " + std::to_string(element.value.size()) + " bytes");
  }
  if (element.value[0] & 0x80) return Malformed(std::string(member) + ": negative integer");
  int64_t value = 0;
  for (uint8_t b : element.value) value = (value << 8) | b;
  return value;
}

void AppendLength(Bytes& out, size_t length) {
  if (length < 0x80) {
    out.push_back(static_cast<uint8_t>(length));
    return;
  }
  Bytes digits;
  for (size_t l = length; l > 0; l >>= 8) digits.insert(digits.begin(), static_cast<uint8_t>(l));
  out.push_back(static_cast<uint8_t>(0x80 | digits.size()));
  out.insert(out.end(), digits.begin(), digits.end());
}

void AppendHeader(Bytes& out, uint32_t tag, size_t value_length) {
  bool started = false;
  for (int shift = 24; shift >= 0; shift -= 8) {
    auto b = static_cast<uint8_t>(tag >> shift);
    if (b != 0 || started || shift == 0) {
      out.push_back(b);
      started = true;
    }
  }
  AppendLength(out, value_length);
}

void AppendTlv(Bytes& out, uint32_t tag, ByteView value) {
  AppendHeader(out, tag, value.size());
  out.insert(out.end(), value.begin(), value.end());
}

Bytes MakeTlv(uint32_t tag, ByteView value) {
  Bytes out;
  AppendTlv(out, tag, value);
  return out;
}

Bytes IntegerContent(int64_t value) {
  Bytes out;
  for (uint64_t v = static_cast<uint64_t>(value); v > 0; v >>= 8) out.insert(out.begin(), static_cast<uint8_t>(v));
  if (out.empty() || (out[0] & 0x80)) out.insert(out.begin(), 0x00);
  return out;
}

}  // namespace esim::tlv
