// The test SM-DS's event book (--smds-events FILE): per EID, the events ES11 authenticateClient
// lists for it, {eid: [{eventId, rspServerAddress}]}. Values; thread-compatible.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status.h"

namespace esim::smdp {

struct SmdsEvent {
  std::string event_id;
  std::string rsp_server_address;
};
using SmdsEventBook = std::map<std::string, std::vector<SmdsEvent>>;  // by EID (32 digits)

// Parses the JSON text of an event book; kInvalidInput naming what is wrong (not an object, an
// EID that is not 32 digits, an entry without string eventId / rspServerAddress).
Result<SmdsEventBook> ParseSmdsEvents(const std::string& text);
// ParseSmdsEvents of a file's contents (kIo if unreadable).
Result<SmdsEventBook> LoadSmdsEvents(const std::string& path);

}  // namespace esim::smdp
