// Tlv: a small composed BER reader and DER writer for the download messages, whose signed
// members must travel as raw bytes (forwarded exactly as received) rather than as model values.
//
// Decoding is composed from three helpers in the manner of Botan's BER_Decoder
// (`decode_optional`, `decode_list`): TlvReader walks the members of one constructed value in
// order and Required/Optional/List take the next member(s) with a given tag, so a message's
// decoder is a few lines naming its members instead of a hand-written walk. Every element keeps
// its whole encoding (`whole`), so a caller can forward or hash it unchanged. Lengths may be
// long form (BER); encoders emit DER (minimal lengths). Pure functions and plain values;
// thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::tlv {

// One element: its tag (the tag bytes read as a big-endian number: 0x5A, 0xBF25, 0x5F37),
// its value, and its whole encoding (tag, length and value). Views into the decoded buffer.
struct Element {
  uint32_t tag = 0;
  ByteView value;
  ByteView whole;
  bool constructed() const;
};

// Reads the element at the start of `in`; kMalformedResponse for a truncated or
// indefinite-length element. Does not check that `in` holds nothing more.
Result<Element> ReadElement(ByteView in);
// Reads only the tag and length at the start of `in`: the element's tag, the header's size,
// and the value length the header announces (which may exceed what `in` holds: the BF36 of a
// bound profile package travels in pieces).
struct Header {
  uint32_t tag = 0;
  size_t header_size = 0;
  size_t value_length = 0;
};
Result<Header> ReadHeader(ByteView in);
// Reads exactly one element filling `in`, with tag `tag`; kMalformedResponse naming `what` otherwise.
Result<Element> ReadOnly(ByteView in, uint32_t tag, const std::string& what);

// Walks the members of one constructed value in order.
class TlvReader {
 public:
  // `what` names the enclosing element in error messages ("AuthenticateServerResponse").
  TlvReader(ByteView value, std::string what) : rest_(value), what_(std::move(what)) {}

  // The next member, which must have tag `tag` (decode_required).
  Result<Element> Required(uint32_t tag, const char* member);
  // The next member if it has tag `tag`, else nothing and the reader does not move
  // (decode_optional).
  Result<std::optional<Element>> Optional(uint32_t tag);
  // Every consecutive next member with tag `tag` (decode_list; possibly none).
  Result<std::vector<Element>> List(uint32_t tag);
  // Skips members until one with tag `tag` (unknown extension members) and takes it; like
  // Required when it is next.
  Result<Element> Find(uint32_t tag, const char* member);
  // True when every member has been read.
  bool done() const { return rest_.empty(); }
  // kMalformedResponse when members are left (for closed structures).
  Status ExpectDone() const;

 private:
  Result<std::optional<Element>> Peek() const;
  ByteView rest_;
  std::string what_;
};

// The big-endian unsigned value of an INTEGER or ENUMERATED's content (at most 8 bytes).
Result<int64_t> ToInteger(const Element& element, const char* member);

// DER writing.
// Appends the DER length of `length`.
void AppendLength(Bytes& out, size_t length);
// Appends tag `tag` (1-3 bytes as written in hex, e.g. 0xBF38) with `value`.
void AppendTlv(Bytes& out, uint32_t tag, ByteView value);
// The TLV of `tag` and `value`.
Bytes MakeTlv(uint32_t tag, ByteView value);
// Appends the tag bytes and the length header only (no value).
void AppendHeader(Bytes& out, uint32_t tag, size_t value_length);
// The DER content of a non-negative INTEGER.
Bytes IntegerContent(int64_t value);

}  // namespace esim::tlv
