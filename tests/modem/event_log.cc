#include "tests/modem/event_log.h"

#include <cerrno>
#include <cstring>

namespace esim::modemsim {

EventLog::~EventLog() {
  if (file_) std::fclose(file_);
}

Status EventLog::Open(const std::string& path) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) return Status(ErrorCode::kIo, "--log " + path + ": " + std::strerror(errno));
  std::setvbuf(file_, nullptr, _IOLBF, 0);
  return Status::Ok();
}

void EventLog::Event(std::string_view kind, std::string_view text) {
  if (!file_) return;
  std::fprintf(file_, "%.*s%s%.*s\n", static_cast<int>(kind.size()), kind.data(), text.empty() ? "" : " ",
               static_cast<int>(text.size()), text.data());
}

void EventLog::Counters(uint64_t apdus, uint64_t card_apdus, uint64_t rx, uint64_t tx) {
  if (!file_) return;
  std::fprintf(file_, "apdu %llu card %llu\nbytes rx=%llu tx=%llu\n", static_cast<unsigned long long>(apdus),
               static_cast<unsigned long long>(card_apdus), static_cast<unsigned long long>(rx),
               static_cast<unsigned long long>(tx));
}

}  // namespace esim::modemsim
