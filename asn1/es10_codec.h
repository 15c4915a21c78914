// ES10 codec: DER encoding and BER decoding of every message in messages.h.
//
// Backed by asn1c-generated code (generated at build time from
// asn1/RSPDefinitions.asn); no asn1c type appears in this header. Decoders
// accept what real cards send (long-form lengths, unknown members of
// extensible SEQUENCEs, missing optional members) and report, rather than
// drop, a known member that arrives out of ASN.1 order (kMalformedResponse).
// Encoders emit DER. All functions are thread-safe (no shared mutable state).
#pragma once

#include <string>

#include "asn1/messages.h"
#include "common/bytes.h"
#include "common/status.h"

namespace esim::es10 {

// Specialised for every request and response of messages.h (both directions:
// the virtual card decodes requests and encodes responses), and for the parts
// that are handled alone: ProfileInfo (E3), NotificationMetadata (BF2F, e.g. to
// sign it) and PendingNotification (BF37 / 30). EuiccInfo1/EuiccInfo2 are the
// BF20/BF22 responses; RulesAuthorisationTable is the BF43 response.

// Encodes `message` as DER, outer tag included (e.g. BF2D ...); kInvalidInput
// names the member when the model violates the module (size, missing CHOICE).
template <typename Message>
Result<Bytes> Encode(const Message& message);

// Decodes one complete DER/BER element into `Message`. Trailing bytes after the
// element, a wrong outer tag, a constraint violation or an out-of-order known
// member fail with kMalformedResponse and a message naming the type and member.
template <typename Message>
Result<Message> Decode(ByteView der);

// ICCID helpers (EF.ICCID coding: nibble-swapped BCD, F-padded to 10 bytes).
// Encodes 18-20 digits to exactly 10 bytes; fails with kInvalidInput otherwise.
Result<Bytes> EncodeIccid(const Iccid& digits);
// Decodes 10 bytes (F fillers allowed at the end) into digits.
Result<Iccid> DecodeIccid(ByteView bcd);
// True if `eid` is 32 decimal digits whose ISO 7064 MOD 97-10 check holds.
bool IsValidEid(const Eid& eid);
// Parses the TLVs of EuiccInfo2.extCardResource.
ExtCardResource ParseExtCardResource(ByteView ext_card_resource);

}  // namespace esim::es10
