#include "src/safety/guarded_operation.h"

#include <algorithm>

#include "common/exit_codes.h"
#include "src/safety/crash_point.h"

namespace esim {

Result<int64_t> HighestSeqBefore(GuardedContext& context) {
  ESIM_ASSIGN_OR_RETURN(context.highest_seq, context.keeper.HighestKnownSeq(context.eid));
  return context.highest_seq;
}

Result<JournaledStep> RunJournaled(GuardedContext& context, const std::string& operation,
                                   const std::optional<std::string>& iccid,
                                   const std::function<Status()>& command, bool capture_notifications) {
  return RunJournaled(
      context, operation, iccid, [&command](int64_t) { return command(); }, capture_notifications);
}

Result<JournaledStep> RunJournaled(GuardedContext& context, const std::string& operation,
                                   const std::optional<std::string>& iccid,
                                   const std::function<Status(int64_t operation_id)>& command,
                                   bool capture_notifications) {
  JournaledStep step;
  step.operation = operation;
  OperationRecord record{WallClockMs(), context.session.reader_name(), context.eid, iccid, operation};
  auto id = context.journal.BeginOperation(record);
  if (!id.ok()) return JournalFailure(id.status());
  step.operation_id = *id;

  step.status = command(step.operation_id);
  CrashPoint("after-command");

  const int64_t code = step.status.ok() ? 0 : ExitCodeFor(step.status.code());
  const std::string message = step.status.ok() ? "ok" : step.status.message();
  ESIM_RETURN_IF_ERROR(
      JournalFailure(context.journal.FinishOperation(step.operation_id, code, message, WallClockMs())));

  if (!capture_notifications) return step;
  // Even a failed command is followed by a look: a card may have acted before it failed.
  auto captured = context.keeper.CaptureAbove(context.eid, context.highest_seq, step.operation_id);
  if (!captured.ok()) {
    if (captured.status().code() == ErrorCode::kJournalUnavailable) return captured.status();
    // The card did not answer the listing: its notifications stay on it for the next run.
    if (step.status.ok()) step.status = captured.status().WithContext("reading the new notifications");
    return step;
  }
  step.captured = std::move(*captured);
  for (const auto& entry : step.captured) {
    context.highest_seq = std::max(context.highest_seq, entry.record.seq_number);
  }
  CrashPoint("after-journal-commit");
  return step;
}

}  // namespace esim
