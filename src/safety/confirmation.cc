#include "src/safety/confirmation.h"

#include <unistd.h>

#include <iostream>
#include <string>

#include "common/utf8.h"

namespace esim {

TerminalConfirmer TerminalConfirmer::ForProcess(bool assume_yes) {
  return TerminalConfirmer(std::cin, std::cerr, isatty(STDIN_FILENO) == 1, assume_yes);
}

Status TerminalConfirmer::Confirm(const ConfirmationRequest& request) {
  if (assume_yes_) return Status::Ok();
  if (!in_is_tty_) {
    return Status(ErrorCode::kConfirmationRequired,
                  "this command is destructive and needs confirmation, but there is no terminal to "
                  "ask on; run it on a terminal, or pass --yes to confirm in a script. Nothing was sent "
                  "to the card");
  }
  // The summary names the profile as the card does; its name must not rewrite the question.
  out_ << TerminalText(request.summary);
  if (!request.summary.empty() && request.summary.back() != '\n') out_ << '\n';
  out_ << TerminalText(request.prompt) << std::flush;
  std::string answer;
  if (!std::getline(in_, answer)) {
    out_ << '\n';
    return Status(ErrorCode::kNotConfirmed, "no answer given; nothing was sent to the card");
  }
  // Surrounding blanks are forgiven (a stray space is not a change of mind); nothing else is.
  const auto first = answer.find_first_not_of(" \t\r");
  const auto last = answer.find_last_not_of(" \t\r");
  answer = first == std::string::npos ? "" : answer.substr(first, last - first + 1);
  if (answer != request.expected_answer) {
    return Status(ErrorCode::kNotConfirmed, "not confirmed (expected \"" + request.expected_answer +
                                                "\"); nothing was sent to the card");
  }
  return Status::Ok();
}

std::string IccidConfirmationDigits(const std::string& iccid) {
  return iccid.size() <= 4 ? iccid : iccid.substr(iccid.size() - 4);
}

}  // namespace esim
