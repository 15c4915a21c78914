// `notification dump`'s output: the card's signed notifications as JSON or as raw base64, and
// the private file they are written to. Pure functions (but WritePrivateFile); thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "asn1/messages.h"
#include "common/status.h"

namespace esim {

// {"notifications": [{"seqNumber", "event", "iccid"?, "address", "der"}]}: `der` is the exact
// PendingNotification the card signed, base64 (RFC 4648, no line breaks); `event` as
// `notification list` names it.
nlohmann::json NotificationDumpJson(const std::vector<es10::PendingNotification>& notifications);

// One line per notification: its PendingNotification DER in base64.
std::string NotificationDumpBase64(const std::vector<es10::PendingNotification>& notifications);

// Writes `content` to `path` readable by its owner only (0600, also when the file existed with
// other permissions); refuses a symbolic link. kIo with the path and the reason on failure.
Status WritePrivateFile(const std::string& path, const std::string& content);

}  // namespace esim
