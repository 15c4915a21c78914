#include "tests/smdp/smds_events.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>

namespace esim::smdp {

Result<SmdsEventBook> ParseSmdsEvents(const std::string& text) {
  auto bad = [](const std::string& why) { return Status(ErrorCode::kInvalidInput, "SM-DS events: " + why); };
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) return bad("not a JSON object {eid: [{eventId, rspServerAddress}]}");
  SmdsEventBook book;
  for (const auto& [eid, list] : doc.items()) {
    if (eid.size() != 32 || !std::all_of(eid.begin(), eid.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      return bad("\"" + eid + "\" is not a 32-digit EID");
    if (!list.is_array()) return bad("the events of " + eid + " are not a list");
    std::vector<SmdsEvent>& events = book[eid];
    for (const auto& entry : list) {
      if (!entry.is_object() || !entry.contains("eventId") || !entry["eventId"].is_string() ||
          !entry.contains("rspServerAddress") || !entry["rspServerAddress"].is_string())
        return bad("an event of " + eid + " lacks string eventId / rspServerAddress");
      events.push_back({entry["eventId"].get<std::string>(), entry["rspServerAddress"].get<std::string>()});
    }
  }
  return book;
}

Result<SmdsEventBook> LoadSmdsEvents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIo, "cannot read " + path);
  return ParseSmdsEvents(std::string((std::istreambuf_iterator<char>(in)), {}));
}

}  // namespace esim::smdp
