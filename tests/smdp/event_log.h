// The test SM-DP+'s JSON-lines log: one line per request and one per order state change,
// written to --log (flushed per line so a test can read it at once) and to stderr.
// Never given secrets: confirmation codes and keys are not logged. Single-threaded.
#pragma once

#include <fstream>

#include <nlohmann/json.hpp>

namespace esim::smdp {

class EventLog {
 public:
  explicit EventLog(std::ofstream* file) : file_(file) {}
  // Writes `fields` with "time" (UTC, seconds) first.
  void Write(const nlohmann::json& fields);

 private:
  std::ofstream* file_;
};

}  // namespace esim::smdp
