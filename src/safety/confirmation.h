// Confirmation: asks a person to confirm a destructive command before anything is sent.
//
// The person must type an exact answer (the last four digits of the ICCID, or a word such as
// `reset`), not just "y": a habit-typed "y" deletes nothing. The prompt and the summary go to
// the terminal's error stream so that stdout (and --json) stays clean. Without a terminal on
// stdin the command is refused (kConfirmationRequired) unless the user passed --yes; a wrong
// answer or end of input is kNotConfirmed. Either way the message says nothing was sent.
// Not thread-safe (uses the process's stdin).
#pragma once

#include <iosfwd>
#include <string>

#include "common/status.h"

namespace esim {

struct ConfirmationRequest {
  std::string summary;          // what will happen, several lines, shown before the prompt
  std::string expected_answer;  // what the person must type, e.g. "1018" or "reset"
  std::string prompt;           // e.g. "Type the last four digits of the ICCID to delete it: "
};

// How a command obtains confirmation; the CLI uses TerminalConfirmer, tests may use others.
class Confirmer {
 public:
  virtual ~Confirmer() = default;
  // OK when the person confirmed `request`; kConfirmationRequired / kNotConfirmed otherwise.
  virtual Status Confirm(const ConfirmationRequest& request) = 0;
};

// Confirms on the controlling terminal: reads the answer from `in` (stdin) when `in_is_tty`,
// writes summary and prompt to `out` (stderr). With `assume_yes` (--yes) confirms at once
// and prints nothing.
class TerminalConfirmer : public Confirmer {
 public:
  TerminalConfirmer(std::istream& in, std::ostream& out, bool in_is_tty, bool assume_yes)
      : in_(in), out_(out), in_is_tty_(in_is_tty), assume_yes_(assume_yes) {}
  // The process's stdin/stderr, with isatty(STDIN_FILENO).
  static TerminalConfirmer ForProcess(bool assume_yes);
  Status Confirm(const ConfirmationRequest& request) override;

 private:
  std::istream& in_;
  std::ostream& out_;
  bool in_is_tty_;
  bool assume_yes_;
};

// The last four digits of an ICCID (all of it if shorter): what a delete prompt asks for.
std::string IccidConfirmationDigits(const std::string& iccid);

}  // namespace esim
