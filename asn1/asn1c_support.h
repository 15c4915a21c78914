// Internal to asn1/: glue between asn1c 0.9.28 generated C and the C++ model.
//
// Owns asn1c structures through AsnPtr (frees with the type's free_struct),
// decodes a complete element with the checks es10_codec.h promises (one
// element, right outer tag, known members in ASN.1 order, constraints), encodes
// DER, and converts leaf values (OCTET STRING, UTF8String, BIT STRING, OID).
// Only asn1/*.cc (and the asn1 unit tests) include this header; it pulls in
// generated headers. Thread-safe: the generated code is patched so that no
// global descriptor is written (asn1/asn1c_generate.cmake).
#pragma once

// asn1c's asn_system.h defines _BSD_SOURCE before including <stdio.h>; glibc
// warns about that unless the C library headers were already seen.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <type_traits>
#include <variant>
#include <string>
#include <string_view>
#include <vector>

#include "ANY.h"
#include "BIT_STRING.h"
#include "BOOLEAN.h"
#include "NativeInteger.h"
#include "OBJECT_IDENTIFIER.h"
#include "OCTET_STRING.h"
#include "asn_application.h"
#include "asn_SEQUENCE_OF.h"
#include "constr_CHOICE.h"
#include "constr_SEQUENCE.h"
#include "constr_SEQUENCE_OF.h"
#include "asn1/messages.h"
#include "common/bytes.h"
#include "common/status.h"

namespace esim::es10::internal {

// ---- Errors -----------------------------------------------------------------------

// kMalformedResponse with `message` (what the card sent cannot be the message).
Status Malformed(std::string message);
// kInvalidInput with `message` (the caller's value cannot be encoded).
Status InvalidInput(std::string message);

// ---- Ownership --------------------------------------------------------------------

// Frees an asn1c structure (and everything it owns) with its type's free_struct.
struct AsnFree {
  asn_TYPE_descriptor_t* type = nullptr;
  void operator()(void* structure) const;
};
template <typename T>
using AsnPtr = std::unique_ptr<T, AsnFree>;

// Zeroed memory from calloc(): asn1c frees with free(); aborts when out of memory.
void* AllocZeroed(size_t size);

// A zero-initialised (empty) asn1c structure of `type`, owned.
template <typename T>
AsnPtr<T> NewAsn(asn_TYPE_descriptor_t& type) {
  return AsnPtr<T>(static_cast<T*>(AllocZeroed(sizeof(T))), AsnFree{&type});
}

// Allocates the pointed-to value of an OPTIONAL member and returns it; the
// enclosing structure owns it from then on.
template <typename T>
T& Emplace(T*& optional_member) {
  if (optional_member == nullptr) optional_member = static_cast<T*>(AllocZeroed(sizeof(T)));
  return *optional_member;
}

// Appends a zero-initialised element to an asn1c SEQUENCE OF list and returns it.
template <typename List>
auto& AppendNew(List& list) {
  using Element = std::remove_reference_t<decltype(**list.array)>;
  auto* element = static_cast<Element*>(AllocZeroed(sizeof(Element)));
  if (asn_sequence_add(&list, element) != 0) std::abort();  // only fails when out of memory
  return *element;
}

// The elements of an asn1c SEQUENCE OF list, for range-for.
template <typename List>
auto Elements(const List& list) {
  return std::span(list.array, list.array == nullptr ? 0 : static_cast<size_t>(list.count));
}

// ---- Whole-element codecs ---------------------------------------------------------

// Decodes `der` as exactly one element of `type` (any BER length form): no
// trailing bytes, the type's outer tag, known members in ASN.1 order (unknown
// ones are skipped by length), then asn1c's BER decoder on a DER-length copy
// without the unknown members, then the constraint check. Errors are
// kMalformedResponse naming the type and the member path. A non-null
// *structure is decoded into in place.
Status DecodeElement(asn_TYPE_descriptor_t& type, ByteView der, void** structure);

template <typename T>
Result<AsnPtr<T>> DecodeAsn(asn_TYPE_descriptor_t& type, ByteView der) {
  void* raw = nullptr;
  Status status = DecodeElement(type, der, &raw);
  AsnPtr<T> owned(static_cast<T*>(raw), AsnFree{&type});
  if (!status.ok()) return status;
  return owned;
}

// Checks constraints, then encodes `structure` of `type` as DER; kInvalidInput
// names the violated constraint.
Result<Bytes> EncodeAsn(asn_TYPE_descriptor_t& type, const void* structure);

// The member named `name` of constructed `type` (a bug if absent: aborts).
const asn_TYPE_member_t& MemberOf(const asn_TYPE_descriptor_t& type, std::string_view name);
// DER of one member as it appears inside its parent (member tag applied).
Result<Bytes> EncodeMember(const asn_TYPE_member_t& member, const void* value);
// Decodes the DER of one member as it appears inside its parent into `*value`
// (allocating it when null); `der` must be exactly one element with the member's tag.
Status DecodeMember(const asn_TYPE_member_t& member, ByteView der, void** value);

// ---- Raw TLVs (for members kept as exact bytes) -------------------------------------

// The complete elements (tag, length, content) inside the content of `element`.
Result<std::vector<ByteView>> ChildElements(ByteView element);
// One DER element: `tag` bytes, definite length, `content`.
Bytes DerElement(ByteView tag, ByteView content);

// ---- Leaf values ------------------------------------------------------------------

Bytes ToBytes(const OCTET_STRING_t& octets);
std::string ToText(const OCTET_STRING_t& utf8);
// Replaces the content of `octets` (also UTF8String_t, ANY_t) with `bytes`.
void SetBytes(OCTET_STRING_t& octets, ByteView bytes);
void SetText(OCTET_STRING_t& utf8, std::string_view text);
void SetBytes(ANY_t& any, ByteView bytes);
Bytes ToBytes(const ANY_t& any);

// Named bits of a BIT STRING: bit n is the n-th bit from the first octet's MSB.
bool BitIsSet(const BIT_STRING_t& bits, unsigned bit);
// Sets `bits` from a list of named bits in DER form: trailing zero bits dropped,
// unused-bit count set accordingly (e.g. {0,0,0,1} -> 04 10).
void SetNamedBits(BIT_STRING_t& bits, const std::vector<bool>& values);
// BIT STRING content octets (after the unused-bits octet) as the model keeps them.
Bytes BitStringBytes(const BIT_STRING_t& bits);
// Sets a BIT STRING from content octets; trailing zero bits of the last octet are
// counted as unused (DER for named-bit lists).
void SetBitStringBytes(BIT_STRING_t& bits, ByteView content);

NotificationEvents ToEvents(const BIT_STRING_t& bits);
void SetEvents(BIT_STRING_t& bits, const NotificationEvents& events);

// Dotted decimal ("2.999.10") <-> OBJECT IDENTIFIER.
Result<std::string> ToOidText(const OBJECT_IDENTIFIER_t& oid);
Status SetOidText(OBJECT_IDENTIFIER_t& oid, std::string_view dotted);

// ICCID <-> asn1c Iccid_t (10 nibble-swapped BCD bytes).
Result<Iccid> ToIccid(const OCTET_STRING_t& bcd);
Status SetIccid(OCTET_STRING_t& bcd, const Iccid& digits);

// ProfileId CHOICE (isdpAid | iccid) shared by Enable/Disable/Delete.
template <typename Choice, typename Present>
Result<ProfileId> ToProfileId(const Choice& choice, Present isdp_aid, Present iccid) {
  if (choice.present == isdp_aid) return ProfileId(IsdpAid{ToBytes(choice.choice.isdpAid)});
  if (choice.present == iccid) {
    ESIM_ASSIGN_OR_RETURN(Iccid digits, ToIccid(choice.choice.iccid));
    return ProfileId(std::move(digits));
  }
  return Malformed("profileIdentifier: no known alternative");
}
template <typename Choice, typename Present>
Status SetProfileId(Choice& choice, const ProfileId& id, Present isdp_aid, Present iccid) {
  if (const auto* aid = std::get_if<IsdpAid>(&id)) {
    choice.present = isdp_aid;
    SetBytes(choice.choice.isdpAid, aid->aid);
    return Status::Ok();
  }
  choice.present = iccid;
  return SetIccid(choice.choice.iccid, std::get<Iccid>(id));
}

}  // namespace esim::es10::internal

// Defines es10::Encode<Model> and es10::Decode<Model> over asn1c type `AsnType`
// from the two converters the including .cc provides:
//   Status ToAsn(const Model&, AsnType_t&);        (kInvalidInput on bad input)
//   Result<Model> FromAsn(const AsnType_t&, ByteView der);
// (`der` is the complete element, for types that keep raw bytes.)
#define ESIM_ES10_CODEC(Model, AsnType)                                                   \
  template <>                                                                             \
  Result<Bytes> Encode<Model>(const Model& message) {                                     \
    auto asn = ::esim::es10::internal::NewAsn<AsnType##_t>(asn_DEF_##AsnType);            \
    Status status = ToAsn(message, *asn);                                                 \
    if (!status.ok()) return status.WithContext(#AsnType);                                \
    return ::esim::es10::internal::EncodeAsn(asn_DEF_##AsnType, asn.get());                \
  }                                                                                       \
  template <>                                                                             \
  Result<Model> Decode<Model>(ByteView der) {                                             \
    auto asn = ::esim::es10::internal::DecodeAsn<AsnType##_t>(asn_DEF_##AsnType, der);     \
    if (!asn.ok()) return asn.status();                                                   \
    Result<Model> model = FromAsn(**asn, der);                                            \
    if (!model.ok()) return model.status().WithContext(#AsnType);                         \
    return model;                                                                         \
  }
