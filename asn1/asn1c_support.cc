// Glue between asn1c 0.9.28 and the C++ model: ownership, checked decoding
// (including the member-order walker), DER encoding and leaf conversions.
#include "asn1/asn1c_support.h"

#include <optional>

#include "asn1/es10_codec.h"
#include "ber_tlv_length.h"

namespace esim::es10::internal {

Status Malformed(std::string message) {
  return Status(ErrorCode::kMalformedResponse, std::move(message));
}
Status InvalidInput(std::string message) {
  return Status(ErrorCode::kInvalidInput, std::move(message));
}

void AsnFree::operator()(void* structure) const {
  if (structure != nullptr) type->free_struct(type, structure, 0);
}

void* AllocZeroed(size_t size) {
  void* memory = std::calloc(1, size);
  if (memory == nullptr) std::abort();  // like operator new, but asn1c frees with free()
  return memory;
}

namespace {

// Where in the message a reader or the walker is: a chain of segments on the stack, spelt out
// only for an error message.
struct Path {
  const Path* parent = nullptr;
  const char* name = nullptr;  // the type at the root, a member below it
  long index = -1;             // or, for an item of a SEQUENCE OF, its position

  Path Member(const char* member) const { return Path{this, member, -1}; }
  Path Item(size_t i) const { return Path{this, nullptr, static_cast<long>(i)}; }
  std::string Text() const {
    if (parent == nullptr) return name;
    if (name == nullptr) return parent->Text() + "[" + std::to_string(index) + "]";
    return parent->Text() + "." + name;
  }
};

// ---- Raw TLV reading ----------------------------------------------------------------

struct Tlv {
  ber_tlv_tag_t tag = 0;
  ByteView tag_bytes;  // for messages: the tag as it appeared on the wire
  ByteView whole;      // tag, length and content
  ByteView content;
};

Result<Tlv> ReadTlv(ByteView in, const Path& path) {
  Tlv tlv;
  ssize_t tag_len = ber_fetch_tag(in.data(), in.size(), &tlv.tag);
  if (tag_len <= 0) return Malformed(path.Text() + ": truncated tag");
  const size_t tag_size = static_cast<size_t>(tag_len);
  ber_tlv_len_t length = 0;
  ssize_t len_len = ber_fetch_length((in[0] & 0x20) != 0 ? 1 : 0, in.data() + tag_size,
                                     in.size() - tag_size, &length);
  if (len_len <= 0) return Malformed(path.Text() + ": truncated or oversized length");
  const size_t header = tag_size + static_cast<size_t>(len_len);
  tlv.tag_bytes = in.first(tag_size);
  if (length < 0) {
    // Indefinite (BER, constructed only): the elements up to end-of-contents 00 00.
    const ByteView rest = in.subspan(header);
    size_t used = 0;
    while (rest.size() - used < 2 || rest[used] != 0 || rest[used + 1] != 0) {
      if (rest.size() - used < 2) return Malformed(path.Text() + ": indefinite length without end-of-contents");
      ESIM_ASSIGN_OR_RETURN(Tlv child, ReadTlv(rest.subspan(used), path));
      used += child.whole.size();
    }
    tlv.content = rest.first(used);
    tlv.whole = in.first(header + used + 2);
    return tlv;
  }
  if (static_cast<size_t>(length) > in.size() - header) {
    return Malformed(path.Text() + ": element " + ToHex(in.first(tag_size)) + " claims " +
                     std::to_string(length) + " bytes, only " + std::to_string(in.size() - header) +
                     " present");
  }
  tlv.whole = in.first(header + static_cast<size_t>(length));
  tlv.content = tlv.whole.subspan(header);
  return tlv;
}

Result<std::vector<Tlv>> ReadAll(ByteView content, const Path& path) {
  std::vector<Tlv> children;
  while (!content.empty()) {
    ESIM_ASSIGN_OR_RETURN(Tlv child, ReadTlv(content, path));
    content = content.subspan(child.whole.size());
    children.push_back(child);
  }
  return children;
}

// ---- Member-order walker ------------------------------------------------------------
//
// asn1c's SEQUENCE decoder only looks forward for a member's tag: a known member
// that arrives after a later one is treated as an unknown extension and dropped
// silently (a ProfileInfo without its state, a NotificationMetadata without its
// event). Worse, once it has skipped an unknown member it drops the known ones
// that follow. So the walker follows the type descriptors over the raw TLVs
// first: it reports out-of-order, repeated and missing members by name. An
// element with unknown members (skipped by length, never by scanning) or
// non-DER lengths is then rebuilt without them, in DER lengths, by a second walk,
// and asn1c decodes that clean copy. A clean element (what cards send) is
// decoded where it lies: the first walk copies nothing and allocates no paths.

enum class Kind { kSequence, kSequenceOf, kChoice, kOther };

Kind KindOf(const asn_TYPE_descriptor_t& type) {
  if (type.ber_decoder == SEQUENCE_decode_ber) return Kind::kSequence;
  if (type.ber_decoder == SEQUENCE_OF_decode_ber) return Kind::kSequenceOf;
  if (type.ber_decoder == CHOICE_decode_ber) return Kind::kChoice;
  return Kind::kOther;
}

// The alternative of CHOICE `type` whose outer tag is `tag`, or -1.
int ChoiceAlternative(const asn_TYPE_descriptor_t& type, ber_tlv_tag_t tag) {
  const auto* specs = static_cast<const asn_CHOICE_specifics_t*>(type.specifics);
  for (int i = 0; i < specs->tag2el_count; ++i) {
    if (specs->tag2el[i].el_tag == tag) return specs->tag2el[i].el_no;
  }
  return -1;
}

// True if a value of `member` can start with `tag` (untagged CHOICE members
// start with one of their alternatives' tags). Open types (ANY) are not matched here.
bool MemberAccepts(const asn_TYPE_member_t& member, ber_tlv_tag_t tag) {
  if (member.tag != static_cast<ber_tlv_tag_t>(-1)) return member.tag == tag;
  return KindOf(*member.type) == Kind::kChoice && ChoiceAlternative(*member.type, tag) >= 0;
}

// True if the header of `tlv` is already DER (definite length in the fewest bytes). asn1c's
// length encoder, given no buffer, says how many bytes the DER length takes.
bool HasDerHeader(const Tlv& tlv) {
  const size_t der_length_size =
      der_tlv_length_serialize(static_cast<ber_tlv_len_t>(tlv.content.size()), nullptr, 0);
  return tlv.whole.size() == tlv.tag_bytes.size() + der_length_size + tlv.content.size();
}

void Append(Bytes& out, ByteView more) { out.insert(out.end(), more.begin(), more.end()); }

// Checks `tlv` as a value of `type` (behind `explicit_wrappers` explicit tags of a member).
// Returns whether it already is clean DER of the known members. With `out`, also appends that
// clean element to *out.
Result<bool> WalkType(const asn_TYPE_descriptor_t& type, int explicit_wrappers, const Tlv& tlv,
                      const Path& path, Bytes* out);

Result<bool> WalkMember(const asn_TYPE_member_t& member, const Tlv& tlv, const Path& path, Bytes* out) {
  if (member.flags & ATF_OPEN_TYPE) {
    if (out != nullptr) Append(*out, tlv.whole);
    return true;
  }
  return WalkType(*member.type, member.tag_mode > 0 ? 1 : 0, tlv, path, out);
}

// The content of a SEQUENCE: known members checked (and appended to *out), unknown ones dropped.
Result<bool> WalkSequence(const asn_TYPE_descriptor_t& type, const Tlv& tlv, const Path& path, Bytes* out) {
  ESIM_ASSIGN_OR_RETURN(std::vector<Tlv> children, ReadAll(tlv.content, path));
  const auto members = std::span(type.elements, static_cast<size_t>(type.elements_count));
  std::vector<bool> seen(members.size(), false);
  bool clean = true;
  size_t next = 0;  // members before `next` are behind us
  for (const Tlv& child : children) {
    std::optional<size_t> found;
    for (size_t n = next; n < members.size() && !found; ++n) {
      if (MemberAccepts(members[n], child.tag)) found = n;
    }
    if (!found) {
      for (size_t n = 0; n < next; ++n) {
        if (MemberAccepts(members[n], child.tag)) {
          return Malformed(path.Member(members[n].name).Text() + ": " +
                           (seen[n] ? "repeated" : "out of ASN.1 order") + " (tag " +
                           ToHex(child.tag_bytes) + " after " + members[next - 1].name + ")");
        }
      }
      // An open type (ANY) takes whatever comes at its position.
      if (next < members.size() && (members[next].flags & ATF_OPEN_TYPE)) found = next;
    }
    if (!found) {  // unknown member of an extensible SEQUENCE: skipped by length
      clean = false;
      continue;
    }
    ESIM_ASSIGN_OR_RETURN(const bool member_clean,
                          WalkMember(members[*found], child, path.Member(members[*found].name), out));
    clean = clean && member_clean;
    seen[*found] = true;
    next = *found + 1;
  }
  for (size_t n = 0; n < members.size(); ++n) {
    if (!seen[n] && members[n].optional == 0) {
      return Malformed(path.Member(members[n].name).Text() + ": mandatory member missing");
    }
  }
  return clean;
}

// The items of a SEQUENCE OF, each checked (and appended to *out).
Result<bool> WalkSequenceOf(const asn_TYPE_descriptor_t& type, const Tlv& tlv, const Path& path, Bytes* out) {
  ESIM_ASSIGN_OR_RETURN(std::vector<Tlv> items, ReadAll(tlv.content, path));
  const asn_TYPE_member_t& element = type.elements[0];
  bool clean = true;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!(element.flags & ATF_OPEN_TYPE) && !MemberAccepts(element, items[i].tag)) {
      return Malformed(path.Item(i).Text() + ": unexpected tag " + ToHex(items[i].tag_bytes));
    }
    ESIM_ASSIGN_OR_RETURN(const bool item_clean, WalkMember(element, items[i], path.Item(i), out));
    clean = clean && item_clean;
  }
  return clean;
}

Result<bool> WalkType(const asn_TYPE_descriptor_t& type, int explicit_wrappers, const Tlv& tlv,
                      const Path& path, Bytes* out) {
  const Kind kind = KindOf(type);
  if (kind == Kind::kOther) {
    if (out != nullptr) Append(*out, tlv.whole);
    return true;
  }
  // Tags in front of the type's own: a CHOICE has none of its own, so every tag
  // on it is an explicit wrapper ([45] CHOICE = BF2D around the alternative).
  const int wrappers = explicit_wrappers + type.tags_count - (kind == Kind::kChoice ? 0 : 1);
  std::vector<ByteView> wrapper_tags;
  bool clean = true;
  Tlv current = tlv;
  for (int i = 0; i < wrappers; ++i) {
    ESIM_ASSIGN_OR_RETURN(std::vector<Tlv> inner, ReadAll(current.content, path));
    if (inner.size() != 1) {
      return Malformed(path.Text() + ": explicit tag " + ToHex(current.tag_bytes) +
                       " must hold exactly one element, holds " + std::to_string(inner.size()));
    }
    clean = clean && HasDerHeader(current);
    wrapper_tags.push_back(current.tag_bytes);
    current = inner[0];
  }
  // Without `out` only the checks run; with it, the element's content is built here first,
  // since its DER length comes before it.
  Bytes content;
  Bytes* const into = out != nullptr ? &content : nullptr;
  bool content_clean = true;
  if (kind == Kind::kChoice) {
    const int alternative = ChoiceAlternative(type, current.tag);
    if (alternative < 0) {
      return Malformed(path.Text() + ": no alternative has tag " + ToHex(current.tag_bytes));
    }
    const asn_TYPE_member_t& member = type.elements[alternative];
    ESIM_ASSIGN_OR_RETURN(content_clean, WalkMember(member, current, path.Member(member.name), into));
  } else {
    if (kind == Kind::kSequence) {
      ESIM_ASSIGN_OR_RETURN(content_clean, WalkSequence(type, current, path, into));
    } else {
      ESIM_ASSIGN_OR_RETURN(content_clean, WalkSequenceOf(type, current, path, into));
    }
    content_clean = content_clean && HasDerHeader(current);
    if (out != nullptr) content = DerElement(current.tag_bytes, content);
  }
  clean = clean && content_clean;
  if (out != nullptr) {
    for (auto tag = wrapper_tags.rbegin(); tag != wrapper_tags.rend(); ++tag) {
      content = DerElement(*tag, content);
    }
    Append(*out, content);
  }
  return clean;
}

bool OuterTagMatches(const asn_TYPE_descriptor_t& type, ber_tlv_tag_t tag) {
  if (type.tags_count > 0) return type.tags[0] == tag;
  return KindOf(type) == Kind::kChoice && ChoiceAlternative(type, tag) >= 0;
}

std::string TagText(ber_tlv_tag_t tag) {
  char text[32];
  ber_tlv_tag_snprint(tag, text, sizeof(text));
  return text;
}

// asn1c constraint messages end in " (File.c:123)"; people need only the start.
std::string ConstraintMessage(const char* text) {
  std::string message(text);
  if (auto at = message.rfind(" ("); at != std::string::npos) message.resize(at);
  return message;
}

int AppendToBytes(const void* buffer, size_t size, void* key) {
  auto* out = static_cast<Bytes*>(key);
  const auto* bytes = static_cast<const uint8_t*>(buffer);
  out->insert(out->end(), bytes, bytes + size);
  return 0;
}

}  // namespace

Status DecodeElement(asn_TYPE_descriptor_t& type, ByteView der, void** structure) {
  const std::string name = type.name;
  if (der.empty()) return Malformed(name + ": empty input");
  const Path root{nullptr, type.name, -1};
  ESIM_ASSIGN_OR_RETURN(Tlv tlv, ReadTlv(der, root));
  if (tlv.whole.size() != der.size()) {
    return Malformed(name + ": " + std::to_string(der.size() - tlv.whole.size()) +
                     " trailing bytes after the element");
  }
  if (!OuterTagMatches(type, tlv.tag)) {
    return Malformed(name + ": unexpected outer tag " + ToHex(tlv.tag_bytes) +
                     (type.tags_count > 0 ? " (expected " + TagText(type.tags[0]) + ")" : ""));
  }
  // First walk: the checks. Only an element that is not clean DER of the known members gets a
  // second walk that builds that clean copy.
  ESIM_ASSIGN_OR_RETURN(const bool already_clean, WalkType(type, 0, tlv, root, nullptr));
  Bytes rebuilt;
  if (!already_clean) ESIM_RETURN_IF_ERROR(WalkType(type, 0, tlv, root, &rebuilt).status());
  const ByteView clean = already_clean ? der : ByteView(rebuilt);
  asn_dec_rval_t rval = ber_decode(nullptr, &type, structure, clean.data(), clean.size());
  if (rval.code != RC_OK) {
    return Malformed(name + ": BER decoding failed near byte " + std::to_string(rval.consumed) +
                     " of the known members");
  }
  if (rval.consumed != clean.size()) {
    return Malformed(name + ": decoder stopped after " + std::to_string(rval.consumed) + " of " +
                     std::to_string(clean.size()) + " bytes of the known members");
  }
  char error[256] = {};
  size_t error_size = sizeof(error);
  if (asn_check_constraints(&type, *structure, error, &error_size) != 0) {
    return Malformed(name + ": constraint violated: " + ConstraintMessage(error));
  }
  return Status::Ok();
}

Result<Bytes> EncodeAsn(asn_TYPE_descriptor_t& type, const void* structure) {
  char error[256] = {};
  size_t error_size = sizeof(error);
  if (asn_check_constraints(&type, structure, error, &error_size) != 0) {
    return InvalidInput(std::string(type.name) + ": constraint violated: " + ConstraintMessage(error));
  }
  Bytes out;
  asn_enc_rval_t rval = der_encode(&type, const_cast<void*>(structure), AppendToBytes, &out);
  if (rval.encoded < 0) {
    return InvalidInput(std::string(type.name) + ": cannot encode " +
                        (rval.failed_type != nullptr ? rval.failed_type->name : "value"));
  }
  return out;
}

const asn_TYPE_member_t& MemberOf(const asn_TYPE_descriptor_t& type, std::string_view name) {
  for (int i = 0; i < type.elements_count; ++i) {
    if (name == type.elements[i].name) return type.elements[i];
  }
  std::abort();  // a typo in asn1/*.cc, caught by every unit test touching the type
}

Result<Bytes> EncodeMember(const asn_TYPE_member_t& member, const void* value) {
  Bytes out;
  asn_enc_rval_t rval = member.type->der_encoder(member.type, const_cast<void*>(value),
                                                 member.tag_mode, member.tag, AppendToBytes, &out);
  if (rval.encoded < 0) return InvalidInput(std::string("cannot encode ") + member.name);
  return out;
}

Status DecodeMember(const asn_TYPE_member_t& member, ByteView der, void** value) {
  const std::string name = member.name;
  ESIM_ASSIGN_OR_RETURN(Tlv tlv, ReadTlv(der, Path{nullptr, member.name, -1}));
  if (tlv.whole.size() != der.size()) return InvalidInput(name + ": trailing bytes after the element");
  if (tlv.tag != member.tag) {
    return InvalidInput(name + ": must start with tag " + TagText(member.tag) + ", not " +
                        ToHex(tlv.tag_bytes));
  }
  asn_dec_rval_t rval =
      member.type->ber_decoder(nullptr, member.type, value, der.data(), der.size(), member.tag_mode);
  if (rval.code != RC_OK || rval.consumed != der.size()) {
    return InvalidInput(name + ": not a valid encoding of the member");
  }
  return Status::Ok();
}

Result<std::vector<ByteView>> ChildElements(ByteView element) {
  const Path element_path{nullptr, "element", -1};
  ESIM_ASSIGN_OR_RETURN(Tlv tlv, ReadTlv(element, element_path));
  ESIM_ASSIGN_OR_RETURN(std::vector<Tlv> children, ReadAll(tlv.content, element_path));
  std::vector<ByteView> out;
  for (const Tlv& child : children) out.push_back(child.whole);
  return out;
}

Bytes DerElement(ByteView tag, ByteView content) {
  uint8_t length[1 + sizeof(ber_tlv_len_t)];  // 0x80 | n, then at most all bytes of the length
  const size_t length_size =
      der_tlv_length_serialize(static_cast<ber_tlv_len_t>(content.size()), length, sizeof length);
  Bytes out;
  out.reserve(tag.size() + length_size + content.size());
  out.insert(out.end(), tag.begin(), tag.end());
  out.insert(out.end(), length, length + length_size);
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

// ---- Leaf values ----------------------------------------------------------------------

Bytes ToBytes(const OCTET_STRING_t& octets) {
  if (octets.buf == nullptr || octets.size <= 0) return {};
  return Bytes(octets.buf, octets.buf + octets.size);
}

std::string ToText(const OCTET_STRING_t& utf8) {
  if (utf8.buf == nullptr || utf8.size <= 0) return {};
  return std::string(reinterpret_cast<const char*>(utf8.buf), static_cast<size_t>(utf8.size));
}

void SetBytes(OCTET_STRING_t& octets, ByteView bytes) {
  // A null source would leave buf null, which asn1c's checkers read as "value
  // not given": an empty value needs a non-null pointer. fromBuf only fails
  // when out of memory.
  static constexpr char kEmpty[] = "";
  const char* source = bytes.empty() ? kEmpty : reinterpret_cast<const char*>(bytes.data());
  if (OCTET_STRING_fromBuf(&octets, source, static_cast<int>(bytes.size())) != 0) {
    std::abort();
  }
}

void SetText(OCTET_STRING_t& utf8, std::string_view text) {
  SetBytes(utf8, ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

// ANY_t has the same layout as OCTET_STRING_t (buf, size, context): the whole TLV.
void SetBytes(ANY_t& any, ByteView bytes) {
  SetBytes(*reinterpret_cast<OCTET_STRING_t*>(&any), bytes);
}
Bytes ToBytes(const ANY_t& any) { return ToBytes(*reinterpret_cast<const OCTET_STRING_t*>(&any)); }

bool BitIsSet(const BIT_STRING_t& bits, unsigned bit) {
  const unsigned byte = bit / 8;
  if (bits.buf == nullptr || byte >= static_cast<unsigned>(bits.size)) return false;
  if (byte + 1 == static_cast<unsigned>(bits.size) && (bit % 8) >= 8u - static_cast<unsigned>(bits.bits_unused)) {
    return false;  // an unused bit
  }
  return (bits.buf[byte] & (0x80u >> (bit % 8))) != 0;
}

void SetNamedBits(BIT_STRING_t& bits, const std::vector<bool>& values) {
  size_t used = values.size();
  while (used > 0 && !values[used - 1]) --used;  // DER: no trailing zero bits
  Bytes content((used + 7) / 8, 0);
  for (size_t i = 0; i < used; ++i) {
    if (values[i]) content[i / 8] = static_cast<uint8_t>(content[i / 8] | (0x80u >> (i % 8)));
  }
  SetBytes(*reinterpret_cast<OCTET_STRING_t*>(&bits), content);
  bits.bits_unused = used == 0 ? 0 : static_cast<int>(content.size() * 8 - used);
}

Bytes BitStringBytes(const BIT_STRING_t& bits) {
  if (bits.buf == nullptr || bits.size <= 0) return {};
  Bytes content(bits.buf, bits.buf + bits.size);
  // Unused bits carry no value; clear them so the model compares by value.
  content.back() = static_cast<uint8_t>(content.back() & (0xFFu << bits.bits_unused));
  return content;
}

void SetBitStringBytes(BIT_STRING_t& bits, ByteView content) {
  SetBytes(*reinterpret_cast<OCTET_STRING_t*>(&bits), content);
  int unused = 0;
  if (!content.empty() && content.back() != 0) {
    while (((content.back() >> unused) & 1u) == 0) ++unused;
  }
  bits.bits_unused = unused;
}

NotificationEvents ToEvents(const BIT_STRING_t& bits) {
  NotificationEvents events;
  events.install = BitIsSet(bits, 0);
  events.enable = BitIsSet(bits, 1);
  events.disable = BitIsSet(bits, 2);
  events.deletion = BitIsSet(bits, 3);
  return events;
}

void SetEvents(BIT_STRING_t& bits, const NotificationEvents& events) {
  SetNamedBits(bits, {events.install, events.enable, events.disable, events.deletion});
}

Result<std::string> ToOidText(const OBJECT_IDENTIFIER_t& oid) {
  unsigned long arcs[32];
  const int count = OBJECT_IDENTIFIER_get_arcs(&oid, arcs, sizeof(arcs[0]), 32);
  if (count < 2 || count > 32) return Malformed("invalid OBJECT IDENTIFIER");
  std::string text;
  for (int i = 0; i < count; ++i) {
    if (i > 0) text += '.';
    text += std::to_string(arcs[i]);
  }
  return text;
}

Status SetOidText(OBJECT_IDENTIFIER_t& oid, std::string_view dotted) {
  long arcs[32];
  const std::string text(dotted);
  const char* end = nullptr;
  const int count = OBJECT_IDENTIFIER_parse_arcs(text.c_str(), static_cast<ssize_t>(text.size()), arcs, 32, &end);
  if (count < 2 || count > 32 || end != text.c_str() + text.size() ||
      OBJECT_IDENTIFIER_set_arcs(&oid, arcs, sizeof(arcs[0]), static_cast<unsigned>(count)) != 0) {
    return InvalidInput("invalid OBJECT IDENTIFIER \"" + text + "\"");
  }
  return Status::Ok();
}

Result<Iccid> ToIccid(const OCTET_STRING_t& bcd) { return DecodeIccid(ToBytes(bcd)); }

Status SetIccid(OCTET_STRING_t& bcd, const Iccid& digits) {
  ESIM_ASSIGN_OR_RETURN(Bytes bytes, EncodeIccid(digits));
  SetBytes(bcd, bytes);
  return Status::Ok();
}

}  // namespace esim::es10::internal
