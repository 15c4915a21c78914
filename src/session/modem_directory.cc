#include "src/session/modem_directory.h"

#include <algorithm>
#include <utility>

#include "readers/at_reader.h"
#include "readers/serial_ports.h"

namespace esim {

namespace {

// Listing must not hang on a port that is not a modem (a GPS, a console, a microcontroller):
// one second per probe. The EID read itself is one CCHO and one CGLA, well under five seconds
// even on a slow modem; a user's smaller --at-timeout wins.
constexpr uint32_t kListProbeTimeoutMs = 1000;
constexpr uint32_t kListCommandTimeoutMs = 5000;

AtReaderOptions ListingOptions(const SessionOptions& options) {
  AtReaderOptions at;
  at.baud = options.baud;
  at.probe_timeout_ms = kListProbeTimeoutMs;
  at.command_timeout_ms = kListCommandTimeoutMs;
  if (options.at_timeout_ms) {
    at.probe_timeout_ms = std::min(at.probe_timeout_ms, *options.at_timeout_ms);
    at.command_timeout_ms = std::min(at.command_timeout_ms, *options.at_timeout_ms);
  }
  return at;
}

// Fills what the port behind `entry` answers: AT, the carrier, the EID (or the problem).
void Probe(ModemEntry& entry, const SessionOptions& options) {
  auto reader = AtReader::Open(entry.path, ListingOptions(options));
  if (!reader.ok()) {
    // kReaderBusy: someone took it between the scan and our open (the lock said so).
    if (reader.status().code() == ErrorCode::kReaderBusy) entry.held = true;
    entry.problem = reader.status().message();
    return;
  }
  entry.answers_at = true;
  entry.mode = (*reader)->Mode();
  // No trace, no -v: listing is not the command the user traces. The session works on a
  // logical channel (CardSession does that for every AtReader) and closes it when it ends.
  SessionOptions identify;
  identify.aid = options.aid;
  identify.apdu_length = options.apdu_length;
  auto session = CardSession::OnReader(std::move(reader).value(), identify);
  if (!session.ok()) {
    entry.problem = session.status().message();
    return;
  }
  auto eid = (*session)->es10().GetEid();
  if (eid.ok()) {
    entry.eid = *eid;
  } else {
    entry.problem = eid.status().message();
  }
}

std::string Describe(const ModemEntry& m) {
  std::string text = m.path + ": ";
  if (m.held) {
    text += "held by " + (m.holder.empty() ? std::string("another program") : m.holder);
  } else if (!m.eid.empty()) {
    text += "eUICC " + m.eid;
  } else if (!m.problem.empty()) {
    text += m.problem;
  } else {
    text += "no eUICC";
  }
  return text;
}

}  // namespace

std::vector<ModemEntry> ListModems(const SessionOptions& options) {
  std::vector<ModemEntry> modems;
  for (SerialPortInfo& port : ListSerialPorts()) {
    ModemEntry entry;
    entry.path = std::move(port.path);
    entry.held = port.held;
    entry.holder = std::move(port.holder);
    // A held port is someone else's conversation with the modem: never opened, never written.
    if (!entry.held) Probe(entry, options);
    modems.push_back(std::move(entry));
  }
  std::sort(modems.begin(), modems.end(),
            [](const ModemEntry& a, const ModemEntry& b) { return a.path < b.path; });
  return modems;
}

Result<std::string> ResolveAutoModem(const SessionOptions& options) {
  std::vector<ModemEntry> modems = ListModems(options);
  std::vector<const ModemEntry*> with_euicc;
  for (const ModemEntry& m : modems) {
    if (!m.eid.empty()) with_euicc.push_back(&m);
  }
  if (with_euicc.size() == 1) return with_euicc.front()->path;

  std::string found;
  for (const ModemEntry& m : modems) found += "\n  " + Describe(m);
  if (with_euicc.empty()) {
    if (modems.empty()) {
      return Status(ErrorCode::kReaderNotFound,
                    "--reader at:auto: no serial port that could be a modem (/dev/ttyUSB*, "
                    "/dev/ttyACM*); name one with --reader at:DEVICE");
    }
    return Status(ErrorCode::kReaderNotFound,
                  "--reader at:auto: no modem with an eUICC answered; ports found:" + found +
                      "\nName one with --reader at:DEVICE (esimctl readers --modems lists them)");
  }
  return Status(ErrorCode::kReaderNotFound,
                "--reader at:auto: " + std::to_string(with_euicc.size()) + " modems have an eUICC:" + found +
                    "\nName one with --reader at:DEVICE");
}

}  // namespace esim
