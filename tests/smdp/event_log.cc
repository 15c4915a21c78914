#include "tests/smdp/event_log.h"

#include <ctime>
#include <iostream>

namespace esim::smdp {

void EventLog::Write(const nlohmann::json& fields) {
  char when[32];
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
  nlohmann::ordered_json line;
  line["time"] = when;
  for (const auto& [k, v] : fields.items()) line[k] = v;
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (file_) *file_ << text << std::endl;
  std::cerr << "test-smdp: " << text << "\n";
}

}  // namespace esim::smdp
