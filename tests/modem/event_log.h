// EventLog: esimctl-modemsim's --log FILE, one line per event, written as it happens (line
// buffered, so a test can read it while the modem runs):
//   rx <command line> | echo <line> | tx <answer line> | urc <line> | fault <what> | reset |
//   link <slave> | apdu <n> card <m> | bytes rx=<n> tx=<n>
// The last two are written at exit and on SIGUSR1 (counters so far, for benchmarks). Test data
// only: nothing is masked. Without a file every call does nothing.
//
// Threading: not thread-safe; the modem's one thread owns it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "common/status.h"

namespace esim::modemsim {

class EventLog {
 public:
  EventLog() = default;
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Opens (truncates) `path`; kIo when it cannot.
  Status Open(const std::string& path);
  // Writes "<kind> <text>".
  void Event(std::string_view kind, std::string_view text);
  // Writes the counter lines "apdu <n> card <m>" and "bytes rx=<n> tx=<n>".
  void Counters(uint64_t apdus, uint64_t card_apdus, uint64_t rx, uint64_t tx);

 private:
  std::FILE* file_ = nullptr;
};

}  // namespace esim::modemsim
