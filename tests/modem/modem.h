// Modem: the AT interpreter of esimctl-modemsim. It takes one complete command line at a time
// and writes what a V.250 modem writes back through a Port: the echo (while echo is on), the
// information line, the final result ("OK", "ERROR", "+CME ERROR: 100"), every answer line
// framed "\r\n<text>\r\n", with unsolicited lines at the moments Noise picks. APDU commands
// go to the ModemCard; the FaultPlan decides whether an answer is dropped, replaced by ERROR
// or ends in a modem reset (which the caller carries out).
//
// Threading: not thread-safe; one thread owns the modem and everything it points to.
#pragma once

#include <cstdint>
#include <string>

#include "tests/modem/at_command.h"
#include "tests/modem/event_log.h"
#include "tests/modem/fault_plan.h"
#include "tests/modem/modem_card.h"

namespace esim::modemsim {

// Where the modem's bytes go (the pty master).
class Port {
 public:
  virtual ~Port() = default;
  // Writes `bytes` (in pieces if the port splits); false when the modem must stop.
  virtual bool Write(const std::string& bytes) = 0;
  // Waits `ms` milliseconds; false when the modem must stop.
  virtual bool Sleep(uint32_t ms) = 0;
};

class Modem {
 public:
  struct Options {
    uint32_t delay_ms = 0;     // --delay-ms: before answering each command
    size_t line_limit = 0;     // --line-limit: longer command lines get ERROR (0 = none)
    bool csim_only = false;    // --csim-only: CCHO/CGLA/CCHC and their tests answer ERROR
    bool ccho_plain = false;   // --ccho-plain: CCHO answers "<sid>" without "+CCHO: "
  };
  enum class Outcome { kDone, kReset, kStop };

  Modem(Options options, ModemCard& card, FaultPlan& faults, Noise& noise, EventLog& log);

  // Handles one command line (without CR); kReset when the modem must reset now (the card has
  // executed the command, nothing more is written), kStop when the port said stop.
  Outcome Handle(const std::string& line, Port& port);
  // Writes an unsolicited line if Noise picks one for an idle moment; false to stop.
  bool Idle(Port& port);
  // Back to power-on defaults (echo on), after a reset.
  void PowerOn() { echo_ = true; }

 private:
  enum class Final { kOk, kError, kCmeError, kNone };
  struct Answer {
    std::string info;          // information line, empty for none
    Final final = Final::kOk;
    bool reset = false;        // the modem resets instead of answering
  };

  Answer Execute(const Command& cmd);
  Answer ApduAnswer(Result<Bytes> answer, const char* name);
  bool WriteLine(const std::string& text, const char* kind, Port& port);
  bool MaybeUrc(UrcMoment moment, Port& port);

  Options options_;
  ModemCard& card_;
  FaultPlan& faults_;
  Noise& noise_;
  EventLog& log_;
  bool echo_ = true;
};

}  // namespace esim::modemsim
