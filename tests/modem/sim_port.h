// SimPort: the Port (tests/modem/modem.h) over the pty master of the current PtyLink. Writes
// wait for room without blocking signals (SIGTERM/SIGINT stop the modem at once); with --split
// each answer goes out in Noise's small pieces with short pauses. Counts the bytes written.
//
// Threading: not thread-safe; the modem's one thread owns it. Signals: the caller blocks its
// stop signals and hands the mask to wait with (ppoll), so a signal ends any wait.
#pragma once

#include <signal.h>

#include <cstdint>
#include <string>

#include "tests/modem/fault_plan.h"
#include "tests/modem/modem.h"
#include "tests/modem/pty_link.h"

namespace esim::modemsim {

// Set by the signal handlers (main).
struct Signals {
  volatile sig_atomic_t stop = 0;
  volatile sig_atomic_t report = 0;  // SIGUSR1: write the counters to the log
};

class SimPort : public Port {
 public:
  // `wait_mask`: the signal mask to wait with (the stop signals unblocked).
  SimPort(Noise& noise, const Signals& signals, const sigset_t& wait_mask);

  // The link written to; none (nullptr) while the modem is down.
  void Attach(PtyLink* link) { link_ = link; }
  bool Write(const std::string& bytes) override;
  bool Sleep(uint32_t ms) override;
  // Waits up to `timeout_ms` (-1: for ever) for input on the master; 1 readable, 0 timeout,
  // -1 interrupted by a signal or a client closing the port (handled: its TIOCEXCL lifted).
  int WaitReadable(int timeout_ms);

  uint64_t tx_bytes() const { return tx_bytes_; }

 private:
  bool WriteAll(const std::string& bytes);

  Noise& noise_;
  const Signals& signals_;
  sigset_t wait_mask_;
  PtyLink* link_ = nullptr;
  uint64_t tx_bytes_ = 0;
};

}  // namespace esim::modemsim
