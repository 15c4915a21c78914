// AtPort: the serial line under AtReader: one AT command port of a modem, opened raw and
// locked, carrying command lines and collecting their answers.
//
// Open sets termios raw mode (no echo processing, no flow control, CLOCAL|CREAD, the given
// speed), takes flock(LOCK_EX|LOCK_NB) and TIOCEXCL so no other program interleaves commands,
// and flushes whatever was pending. Command() writes "<line>\r" and reads answer lines until a
// final result (OK, ERROR, +CME ERROR: n, +CMS ERROR: n) or the deadline. Lines may arrive in
// pieces; empty lines, the echo of the command and unsolicited lines (+CREG:, RING, ...: any
// line that is neither the echo, nor an expected information line, nor a final result) are
// skipped. After a timeout the next Command() first drains the port (reads until ~150 ms of
// quiet) so a late answer is never taken for the next command's. A hang-up (EOF, EIO,
// POLLHUP: the modem reset or was unplugged) gives kCardRemoved; a timeout kReaderError.
// Lines are bounded (1 MiB) so a broken peer cannot exhaust memory.
//
// Threading: not thread-safe; one port, one thread. fd() may be read by a signal handler.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace esim {

// One command's answer: its information lines and how it ended.
struct AtAnswer {
  enum class Final { kOk, kError, kCmeError, kCmsError };
  Final final = Final::kOk;
  std::string final_line;          // "OK", "ERROR", "+CME ERROR: 100", ...
  std::vector<std::string> info;   // the information lines kept (see Command)
  bool ok() const { return final == Final::kOk; }
};

class AtPort {
 public:
  // Opens and locks `path`. kReaderNotFound: no such device; kReaderBusy: another program
  // holds it (lock or exclusive mode); kReaderError: anything else (not a tty, permissions).
  static Result<std::unique_ptr<AtPort>> Open(const std::string& path, uint32_t baud);
  ~AtPort();  // closes the port (the lock goes with it)
  AtPort(const AtPort&) = delete;
  AtPort& operator=(const AtPort&) = delete;

  // Sends `line` + "\r" and waits up to timeout_ms for the final result. Keeps the lines that
  // start with `info_prefix` (when non-empty) and, with `bare_digits`, lines of digits only
  // (TS 27.007's bare +CCHO answer). kReaderError on timeout, kCardRemoved on hang-up.
  Result<AtAnswer> Command(const std::string& line, const std::string& info_prefix,
                           uint32_t timeout_ms, bool bare_digits = false);
  // The file descriptor (for the signal-time cleanup of AtReader).
  int fd() const { return fd_; }
  // Reads and discards input until quiet_ms pass without any (bounded by max_ms).
  void Drain(int quiet_ms, int max_ms);

 private:
  AtPort(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  Status WriteAll(const std::string& data, int timeout_ms);

  int fd_ = -1;
  std::string path_;
  std::string pending_;     // bytes read but not yet split into lines
  bool needs_drain_ = false;
};

// The largest size of a line the reader will assemble before giving up on the peer.
inline constexpr size_t kAtMaxLineLength = size_t{1} << 20;

}  // namespace esim
