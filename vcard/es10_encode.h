// DER encoders for the ES10 structures the virtual ISD-R answers with.
// Written from the facts sheet, independently of asn1/es10_codec (see der.h). Thread-safe.
#pragma once

#include <optional>
#include <set>

#include "asn1/messages.h"
#include "common/bytes.h"

namespace esim::vcard {

// ProfileInfo 'E3'; with `tags`, only the members whose tag is listed (ASN.1 order kept).
Bytes EncodeProfileInfo(const es10::ProfileInfo& profile, const std::optional<std::set<uint32_t>>& tags);
// NotificationMetadata 'BF2F'.
Bytes EncodeNotificationMetadata(const es10::NotificationMetadata& metadata);
// NotificationEvent BIT STRING contents (unused-bits byte first, DER-trimmed).
Bytes EncodeEvents(const es10::NotificationEvents& events);
// Parses NotificationEvent BIT STRING contents; nullopt if malformed.
std::optional<es10::NotificationEvents> DecodeEvents(ByteView contents);
// OperatorId contents (80 mccMnc, 81 gid1, 82 gid2).
Bytes EncodeOperatorId(const es10::OperatorId& op);
// 16-byte EID from 32 digits (two digits per byte, not swapped).
Bytes EidBytes(const std::string& eid);
// A result-only response: `outer_tag` { 80 result }.
Bytes ResultResponse(uint32_t outer_tag, int64_t result);
// Splits a tagList ('5C' contents) into tags; nullopt if a tag is truncated.
std::optional<std::set<uint32_t>> ParseTagList(ByteView tag_list);

}  // namespace esim::vcard
