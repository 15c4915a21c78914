// esimctl-modemsim: a simulated cellular modem on a pseudo-terminal, with the virtual eUICC of a
// state file as its card, for tests and benchmarks of esimctl's AT transport (issue 14).
//
//   esimctl-modemsim --state STATE.json --link PATH [--delay-ms N] [--line-limit N]
//                    [--urc-seed S] [--split] [--csim-only] [--ccho-plain] [--session-offset N]
//                    [--stale-channels] [--drop-answer K] [--error-after K] [--reset-at K]
//                    [--reset-downtime-ms N] [--log FILE]
//
// Makes PATH a symlink to the pty's slave, prints "ready PATH" on stdout once listening, and
// speaks the AT dialect of /work's issue 14 brief (tests/modem/modem.h) until SIGTERM/SIGINT,
// then removes PATH and exits 0. SIGUSR1 writes the counters so far to the log. The AT side
// is in modem.h, the card side in modem_card.h, the faults in fault_plan.h, the port in
// pty_link.h / sim_port.h.
// Exit: 0 normal end, 1 runtime error, 2 usage, 3 bad state file, 4 state file unreadable.

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "tests/modem/at_command.h"
#include "tests/modem/event_log.h"
#include "tests/modem/fault_plan.h"
#include "tests/modem/modem.h"
#include "tests/modem/modem_card.h"
#include "tests/modem/pty_link.h"
#include "tests/modem/sim_port.h"
#include "vcard/virtual_reader.h"

namespace {

using esim::modemsim::Signals;

Signals g_signals;

extern "C" void OnStop(int) { g_signals.stop = 1; }
extern "C" void OnReport(int) { g_signals.report = 1; }

// Blocks the handled signals (they are only delivered inside the waits) and returns the mask
// to wait with.
sigset_t InstallSignals() {
  struct sigaction stop {};
  stop.sa_handler = OnStop;
  sigemptyset(&stop.sa_mask);
  sigaction(SIGTERM, &stop, nullptr);
  sigaction(SIGINT, &stop, nullptr);
  struct sigaction report {};
  report.sa_handler = OnReport;
  sigemptyset(&report.sa_mask);
  sigaction(SIGUSR1, &report, nullptr);
  signal(SIGPIPE, SIG_IGN);
  sigset_t blocked, previous;
  sigemptyset(&blocked);
  sigaddset(&blocked, SIGTERM);
  sigaddset(&blocked, SIGINT);
  sigaddset(&blocked, SIGUSR1);
  sigprocmask(SIG_BLOCK, &blocked, &previous);
  sigdelset(&previous, SIGTERM);
  sigdelset(&previous, SIGINT);
  sigdelset(&previous, SIGUSR1);
  return previous;
}

struct Settings {
  std::string state_path;
  std::string link_path;
  std::string log_path;
  esim::modemsim::Modem::Options modem;
  esim::modemsim::FaultPlan::Options faults;
  uint32_t urc_seed = 0;
  bool split = false;
  int session_offset = 0;
  bool stale_channels = false;
  uint32_t reset_downtime_ms = 300;
};

void DeclareOptions(CLI::App& app, Settings& s) {
  app.add_option("--state", s.state_path, "JSON state file of the virtual eUICC (the modem's card)")->required();
  app.add_option("--link", s.link_path, "path made a symlink to the pty slave (the modem's port)")->required();
  app.add_option("--delay-ms", s.modem.delay_ms, "wait N ms before answering each command");
  app.add_option("--line-limit", s.modem.line_limit,
                 "command lines longer than N characters (without CR) answer ERROR, not forwarded");
  app.add_option("--urc-seed", s.urc_seed, "unsolicited lines at seeded random moments; 0 = none");
  app.add_flag("--split", s.split, "write answers in small random pieces with short pauses");
  app.add_flag("--csim-only", s.modem.csim_only, "CCHO/CGLA/CCHC (and their =?) answer ERROR");
  app.add_flag("--ccho-plain", s.modem.ccho_plain, "CCHO answers \"<sid>\" without \"+CCHO: \"");
  app.add_option("--session-offset", s.session_offset, "session id = channel + N")->check(CLI::Range(0, 1000));
  app.add_flag("--stale-channels", s.stale_channels,
               "start with logical channels 1-3 open (sessions 1..3 + offset), as a crashed LPA leaves them");
  app.add_option("--drop-answer", s.faults.drop_answer_at,
                 "the K-th APDU command (CGLA/CSIM, from 1) reaches the card but gets no answer");
  app.add_option("--error-after", s.faults.error_at, "the K-th APDU command executes, the modem answers ERROR");
  app.add_option("--reset-at", s.faults.reset_at,
                 "the K-th APDU command executes, then the modem resets: the pty closes, the card "
                 "resets, a new pty appears behind --link after --reset-downtime-ms");
  app.add_option("--reset-downtime-ms", s.reset_downtime_ms, "how long the modem is away after a reset")
      ->capture_default_str();
  app.add_option("--log", s.log_path, "event log (rx/echo/tx/urc/fault/reset lines, counters)");
}

int ExitCodeFor(const esim::Status& status) {
  switch (status.code()) {
    case esim::ErrorCode::kInvalidInput: return 3;
    case esim::ErrorCode::kIo: return 4;
    default: return 1;
  }
}

int Fail(const std::string& message, int code) {
  std::fprintf(stderr, "esimctl-modemsim: %s\n", message.c_str());
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace esim::modemsim;
  CLI::App app{"esimctl-modemsim: a simulated cellular modem (AT commands on a pty) holding the virtual eUICC"};
  Settings s;
  DeclareOptions(app, s);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  EventLog log;
  if (!s.log_path.empty()) {
    if (esim::Status st = log.Open(s.log_path); !st.ok()) return Fail(st.message(), 1);
  }
  auto reader = esim::vcard::OpenVirtualReader(s.state_path, {});
  if (!reader.ok()) return Fail(reader.status().message(), ExitCodeFor(reader.status()));
  ModemCard card(std::move(reader).value(), s.session_offset);
  if (s.stale_channels) {
    const esim::Bytes isdr{0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                           0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00};
    if (esim::Status st = card.OpenStaleChannels(isdr); !st.ok()) return Fail(st.message(), 1);
  }

  const sigset_t wait_mask = InstallSignals();
  FaultPlan faults(s.faults);
  Noise noise(s.urc_seed, s.split);
  Modem modem(s.modem, card, faults, noise, log);
  SimPort port(noise, g_signals, wait_mask);

  auto created = PtyLink::Create(s.link_path);
  if (!created.ok()) return Fail(created.status().message(), 1);
  std::unique_ptr<PtyLink> link = std::move(created).value();
  port.Attach(link.get());
  log.Event("link", link->slave_name());
  std::printf("ready %s\n", s.link_path.c_str());
  std::fflush(stdout);

  LineAssembler lines;
  uint64_t rx_bytes = 0;
  int status = 0;
  while (!g_signals.stop) {
    if (g_signals.report) {
      g_signals.report = 0;
      log.Counters(faults.apdus(), card.card_apdus(), rx_bytes, port.tx_bytes());
    }
    const int ready = port.WaitReadable(noise.IdleWaitMs());
    if (ready < 0) continue;  // a signal
    if (ready == 0) {
      // An idle moment; a port nobody reads gets no more than a few queued lines.
      if (link->PendingForClient() < 256 && !modem.Idle(port)) break;
      continue;
    }
    char buffer[4096];
    ssize_t n = read(link->master_fd(), buffer, sizeof buffer);
    if (n <= 0) {
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      port.Sleep(10);  // no slave input (cannot happen while our own slave fd is open)
      continue;
    }
    rx_bytes += static_cast<uint64_t>(n);
    for (const std::string& line : lines.Feed(std::string_view(buffer, static_cast<size_t>(n)))) {
      Modem::Outcome outcome = modem.Handle(line, port);
      if (outcome == Modem::Outcome::kStop) break;
      if (outcome == Modem::Outcome::kReset) {
        // The port disappears (the client sees EOF/EIO), the card loses channels and selections,
        // the modem comes back with power-on defaults on a new pty behind the same path.
        log.Event("reset", "");
        port.Attach(nullptr);
        link->Close();
        lines.Clear();
        card.Reset();
        modem.PowerOn();
        if (!port.Sleep(s.reset_downtime_ms)) break;
        auto again = PtyLink::Create(s.link_path);
        if (!again.ok()) {
          status = Fail(again.status().message(), 1);
          g_signals.stop = 1;
          break;
        }
        link = std::move(again).value();
        port.Attach(link.get());
        log.Event("link", link->slave_name());
        break;  // whatever followed in the old port's buffer is gone with it
      }
    }
  }
  port.Attach(nullptr);
  link->Close();
  log.Counters(faults.apdus(), card.card_apdus(), rx_bytes, port.tx_bytes());
  return status;
}
