// Identifies and renders any ES10 message of SGP.22 section 3 (request or
// response) from its DER, for `esimctl decode` and for traces.
//
// DescribeEs10 picks the message by its outer tag; with Direction::kAuto it tries
// the response first, then the request, and reports which one decoded. Some
// short encodings are both (BF30 { 80 01 00 } is NotificationSent's request for
// seqNumber 0 and its "ok" response): kAuto says response; pass kRequest to read
// a request. Stateless; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::es10 {

enum class Direction { kAuto, kRequest, kResponse };

// {"message": "ProfileInfoListResponse", "direction": "response", "value": {...}}
// where value is the json.h view of the decoded message. Also accepts a lone
// PendingNotification (BF37 / 30), NotificationMetadata (BF2F) and ProfileInfo (E3),
// reported with direction "response". kMalformedResponse when the tag is not an
// ES10 message or the element does not decode in the asked direction(s); with
// kAuto, a request is accepted after a failed response only if it re-encodes to
// exactly the input, so a broken response is reported, not shown as a request.
Result<nlohmann::json> DescribeEs10(ByteView der, Direction direction = Direction::kAuto);

// Indented "name: value" lines of a JSON value (objects nest by two spaces,
// list items are "- " entries), ending with a newline; for the decode command's
// text output.
std::string RenderText(const nlohmann::json& value);

}  // namespace esim::es10
