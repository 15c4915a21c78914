// ModemDirectory: the cellular modems on this machine whose AT port answers, and whether an
// eUICC answers behind them; the modem counterpart of ReaderDirectory.
//
// Ports held by another program are listed as held and never opened. Every other candidate
// (readers/serial_ports.h) is opened as an AtReader with short timeouts; when it answers AT, a
// CardSession on a logical channel reads the EID (nothing is changed on the card), and the
// session closes its channel again.
//
// Threading: not thread-safe; use from one thread.
#pragma once

#include <string>
#include <vector>

#include "common/status.h"
#include "src/session/card_session.h"

namespace esim {

struct ModemEntry {
  std::string path;          // the device path (pass as --reader at:PATH)
  bool held = false;         // another program holds it: not opened
  std::string holder;        // "PID (command)" when known
  bool answers_at = false;   // the port answered AT
  std::string mode;          // "cgla" / "csim" when it answers AT
  std::string eid;           // non-empty when an eUICC's ISD-R answered behind it
  std::string problem;       // why it was not usable, for a person; empty when fine
};

// Lists every candidate port (see above), sorted by path.
std::vector<ModemEntry> ListModems(const SessionOptions& options);

// Resolves "at:auto": the only port that answers AT with an eUICC behind it. kReaderNotFound
// naming what was found when there is none or several.
Result<std::string> ResolveAutoModem(const SessionOptions& options);

}  // namespace esim
