#include "tests/modem/modem.h"

namespace esim::modemsim {

Modem::Modem(Options options, ModemCard& card, FaultPlan& faults, Noise& noise, EventLog& log)
    : options_(options), card_(card), faults_(faults), noise_(noise), log_(log) {}

bool Modem::WriteLine(const std::string& text, const char* kind, Port& port) {
  log_.Event(kind, text);
  return port.Write("\r\n" + text + "\r\n");
}

bool Modem::MaybeUrc(UrcMoment moment, Port& port) {
  auto urc = noise_.Urc(moment);
  return !urc || WriteLine(*urc, "urc", port);
}

bool Modem::Idle(Port& port) { return MaybeUrc(UrcMoment::kIdle, port); }

Modem::Outcome Modem::Handle(const std::string& line, Port& port) {
  log_.Event("rx", line);
  if (!MaybeUrc(UrcMoment::kBeforeEcho, port)) return Outcome::kStop;
  if (echo_) {
    log_.Event("echo", line);
    if (!port.Write(line + "\r")) return Outcome::kStop;
  }
  if (!MaybeUrc(UrcMoment::kAfterEcho, port)) return Outcome::kStop;
  if (options_.delay_ms && !port.Sleep(options_.delay_ms)) return Outcome::kStop;

  Answer answer;
  if (options_.line_limit && line.size() > options_.line_limit) {
    log_.Event("fault", "line-limit " + std::to_string(line.size()));
    answer.final = Final::kError;
  } else {
    answer = Execute(ParseCommand(line));
  }
  if (answer.reset) return Outcome::kReset;
  if (answer.final == Final::kNone) return Outcome::kDone;  // the dropped answer

  if (!answer.info.empty() && !WriteLine(answer.info, "tx", port)) return Outcome::kStop;
  if (!MaybeUrc(UrcMoment::kBeforeFinal, port)) return Outcome::kStop;
  const char* final = answer.final == Final::kOk      ? "OK"
                      : answer.final == Final::kError ? "ERROR"
                                                      : "+CME ERROR: 100";
  if (!WriteLine(final, "tx", port)) return Outcome::kStop;
  if (!MaybeUrc(UrcMoment::kAfterFinal, port)) return Outcome::kStop;
  return Outcome::kDone;
}

Modem::Answer Modem::ApduAnswer(Result<Bytes> answer, const char* name) {
  switch (faults_.NextApdu()) {
    case FaultAction::kNone: break;
    case FaultAction::kDropAnswer:
      log_.Event("fault", "drop-answer " + std::to_string(faults_.apdus()));
      return Answer{"", Final::kNone, false};
    case FaultAction::kError:
      log_.Event("fault", "error-after " + std::to_string(faults_.apdus()));
      return Answer{"", Final::kError, false};
    case FaultAction::kReset:
      log_.Event("fault", "reset-at " + std::to_string(faults_.apdus()));
      return Answer{"", Final::kNone, true};
  }
  // The card gave no answer at all (it reset while executing): the modem reports a failure.
  if (!answer.ok()) return Answer{"", Final::kCmeError, false};
  return Answer{ApduInfoLine(name, *answer), Final::kOk, false};
}

Modem::Answer Modem::Execute(const Command& cmd) {
  const bool channel_command = cmd.name != "CSIM";
  switch (cmd.kind) {
    case CommandKind::kAt: return Answer{};
    case CommandKind::kEcho:
      echo_ = cmd.echo_on;
      return Answer{};
    case CommandKind::kTest:
      return Answer{"", options_.csim_only && channel_command ? Final::kError : Final::kOk, false};
    case CommandKind::kCcho: {
      if (options_.csim_only) return Answer{"", Final::kError, false};
      auto sid = card_.Open(cmd.data);
      if (!sid.ok()) {
        log_.Event("fault", "ccho " + sid.status().message());
        return Answer{"", Final::kCmeError, false};
      }
      const std::string id = std::to_string(*sid);
      return Answer{options_.ccho_plain ? id : "+CCHO: " + id, Final::kOk, false};
    }
    case CommandKind::kCgla: {
      if (options_.csim_only) return Answer{"", Final::kError, false};
      if (!card_.HasSession(cmd.session)) return Answer{"", Final::kCmeError, false};
      return ApduAnswer(card_.Transmit(cmd.session, cmd.data), "CGLA");
    }
    case CommandKind::kCchc:
      if (options_.csim_only) return Answer{"", Final::kError, false};
      return Answer{"", card_.Close(cmd.session).ok() ? Final::kOk : Final::kCmeError, false};
    case CommandKind::kCsim: return ApduAnswer(card_.PassThrough(cmd.data), "CSIM");
    case CommandKind::kMalformed:
    case CommandKind::kUnknown: break;
  }
  return Answer{"", Final::kError, false};
}

}  // namespace esim::modemsim
