// The AT side of esimctl-modemsim: command lines assembled from the bytes a client writes, and
// parsed into the few commands the simulated modem knows (V.250 basics, TS 27.007 CCHO, CGLA,
// CCHC, CSIM).
//
// Threading: plain values and pure functions; a LineAssembler belongs to one thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace esim::modemsim {

// Collects bytes into command lines. A line ends at CR (V.250 S3); LF is dropped wherever it
// comes, so "\r\n" ends a line as "\r" does. Empty lines are not returned.
class LineAssembler {
 public:
  // Appends `data`; returns the lines it completed (without the CR), oldest first.
  std::vector<std::string> Feed(std::string_view data);
  // Forgets a partial line (the modem reset).
  void Clear() { partial_.clear(); }

 private:
  std::string partial_;
};

enum class CommandKind {
  kAt,          // AT
  kEcho,        // ATE0 / ATE1 / ATE (= ATE0)
  kTest,        // AT+CCHO=? and friends: `name` says which
  kCcho,        // AT+CCHO="<AID>"
  kCgla,        // AT+CGLA=<sid>,<len>,"<hex>"
  kCchc,        // AT+CCHC=<sid>
  kCsim,        // AT+CSIM=<len>,"<hex>"
  kMalformed,   // a known command whose arguments do not parse (answered ERROR)
  kUnknown,     // anything else (answered ERROR)
};

struct Command {
  CommandKind kind = CommandKind::kUnknown;
  std::string name;       // upper-case command name for kTest: "CCHO", "CGLA", "CCHC", "CSIM"
  bool echo_on = false;   // kEcho
  long session = 0;       // kCgla, kCchc
  Bytes data;             // kCcho: the AID; kCgla, kCsim: the C-APDU
};

// Parses one command line (without its CR). Case-insensitive for the command part; the hex
// length of CGLA/CSIM must match the hex given, else kMalformed.
Command ParseCommand(std::string_view line);

// "+CGLA: <len>,\"<HEX>\"" style information line for `name` ("CGLA" or "CSIM").
std::string ApduInfoLine(std::string_view name, ByteView answer);

}  // namespace esim::modemsim
