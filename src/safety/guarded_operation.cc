#include "src/safety/guarded_operation.h"

#include <algorithm>

#include "common/exit_codes.h"
#include "src/safety/crash_point.h"

namespace esim {

namespace {

bool WantsEvent(const es10::NotificationEvents& events, StateChange change) {
  switch (change) {
    case StateChange::kEnable: return events.enable;
    case StateChange::kDisable: return events.disable;
    case StateChange::kDelete: return events.deletion;
  }
  return false;
}

std::optional<std::string> NotifyAddress(const es10::ProfileInfo& info, StateChange change) {
  if (!info.notificationConfigurationInfo) return std::nullopt;
  for (const auto& config : *info.notificationConfigurationInfo) {
    if (WantsEvent(config.profileManagementOperation, change)) return config.notificationAddress;
  }
  return std::nullopt;
}

}  // namespace

const char* StateChangeName(StateChange change) {
  switch (change) {
    case StateChange::kEnable: return "enable";
    case StateChange::kDisable: return "disable";
    case StateChange::kDelete: return "delete";
  }
  return "";
}

Result<int64_t> HighestSeqBefore(GuardedContext& context) {
  ESIM_ASSIGN_OR_RETURN(context.highest_seq, context.keeper.HighestKnownSeq(context.eid));
  return context.highest_seq;
}

Result<JournaledStep> RunJournaled(GuardedContext& context, const std::string& operation,
                                   const std::optional<std::string>& iccid,
                                   const std::function<Status()>& command, bool capture_notifications) {
  JournaledStep step;
  step.operation = operation;
  OperationRecord record{WallClockMs(), context.session.reader_name(), context.eid, iccid, operation};
  auto id = context.journal.BeginOperation(record);
  if (!id.ok()) return JournalFailure(id.status());
  step.operation_id = *id;

  step.status = command();
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

Result<ProfileChangePlan> PlanProfileChange(CardSession& session, StateChange change,
                                            const es10::ProfileId& profile, bool disable_first) {
  ESIM_ASSIGN_OR_RETURN(auto found, LookupProfile(session, profile));
  if (!found) {
    return Status(ErrorCode::kProfileNotFound,
                  "no profile " + ProfileIdText(profile) + " on the card; nothing was changed");
  }
  ProfileChangePlan plan;
  plan.target = std::move(*found);
  const bool enabled = plan.target.profileState == es10::ProfileState::kEnabled;
  if (change == StateChange::kDelete && enabled) {
    if (!disable_first) {
      return Status(ErrorCode::kWrongProfileState,
                    "profile " + ProfileIdText(profile) +
                        " is enabled: deleting it would cut the line now. Disable it first "
                        "(esimctl profile disable " + ProfileIdText(profile) +
                        "), or pass --disable-first to disable and then delete it. Nothing was changed");
    }
    plan.steps.push_back(StateChange::kDisable);
  }
  plan.steps.push_back(change);
  for (StateChange step : plan.steps) plan.notify_addresses.push_back(NotifyAddress(plan.target, step));
  return plan;
}

Result<ProfileChangeOutcome> ExecuteProfileChange(GuardedContext& context, const ProfileChangePlan& plan,
                                                  bool refresh) {
  ProfileChangeOutcome outcome;
  const es10::ProfileId id = ProfileIdOf(plan.target);
  for (StateChange change : plan.steps) {
    std::optional<ProfileChangeReport> report;
    ESIM_ASSIGN_OR_RETURN(
        JournaledStep step,
        RunJournaled(context, StateChangeName(change), plan.target.iccid, [&]() -> Status {
          auto changed = ChangeProfileState(context.session, change, id,
                                            change == StateChange::kDelete ? false : refresh);
          if (!changed.ok()) return changed.status();
          report = *changed;
          return Status::Ok();
        }));
    const bool failed = !step.status.ok();
    if (failed) outcome.failure = step.status;
    if (report) outcome.last_report = report;
    outcome.steps.push_back(std::move(step));
    if (failed) break;
  }
  // Read back what the card says now, whatever happened: the receipt reports the card, not hopes.
  auto read_back = LookupProfile(context.session, id);
  if (!read_back.ok()) {
    outcome.verification = read_back.status().WithContext("reading the profile back");
    return outcome;
  }
  outcome.read_back = *read_back;
  if (outcome.failure.ok()) {
    const StateChange last = plan.steps.back();
    const auto& now = outcome.read_back;
    const bool as_intended =
        last == StateChange::kDelete ? !now.has_value()
                                     : now.has_value() && now->profileState ==
                                                              (last == StateChange::kEnable ? es10::ProfileState::kEnabled
                                                                                            : es10::ProfileState::kDisabled);
    if (!as_intended) {
      outcome.verification = Status(ErrorCode::kCardStatus,
                                    "the card reported success, but reading the profile back does not show it " +
                                        std::string(last == StateChange::kDelete ? "deleted" : "changed"));
    }
  }
  return outcome;
}

}  // namespace esim
