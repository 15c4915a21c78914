#include "src/safety/change_pipeline.h"

#include <type_traits>
#include <utility>

#include "src/ops/profile_list.h"
#include "src/ops/profile_ops.h"

namespace esim {

namespace {

bool IsNotificationStep(const ChangeStep& step) {
  return step.kind == StepKind::kRemoveNotification || step.kind == StepKind::kSettleNotification;
}

// A plan the pipeline cannot run as it says is refused before anything is sent.
Status CheckPlan(const ChangePlan& plan) {
  for (const auto& step : plan.steps) {
    const bool sends_notification_sent =
        step.request && std::holds_alternative<es10::NotificationSentRequest>(*step.request);
    const bool well_formed = step.kind == StepKind::kFlow ? static_cast<bool>(step.flow)
                             : IsNotificationStep(step)   ? sends_notification_sent
                                                          : step.request.has_value();
    if (!well_formed) {
      return Status(ErrorCode::kInternal, "plan step \"" + step.operation + "\" is malformed; nothing was sent");
    }
  }
  return Status::Ok();
}

// 1. Journals the notifications of the plan's notification steps, in step order.
Result<std::vector<JournalEntry>> JournalFirst(GuardedSession& guarded, const ChangePlan& plan) {
  std::vector<int64_t> seqs;
  for (const auto& step : plan.steps) {
    if (IsNotificationStep(step)) seqs.push_back(step.seq_number());
  }
  if (seqs.empty()) return std::vector<JournalEntry>{};
  if (plan.listed_seqs) return guarded.keeper().CaptureListed(guarded.eid(), seqs, *plan.listed_seqs);
  return guarded.keeper().CaptureSeqs(guarded.eid(), seqs);
}

// The profile state the last step of a profile change leaves; nullopt: the profile is gone.
std::optional<es10::ProfileState> IntendedState(const ChangeRequest& last) {
  if (std::holds_alternative<es10::EnableProfileRequest>(last)) return es10::ProfileState::kEnabled;
  if (std::holds_alternative<es10::DisableProfileRequest>(last)) return es10::ProfileState::kDisabled;
  return std::nullopt;
}

// 6. Reads the card back as the plan asks.
void ReadBackInto(CardSession& card, const ChangePlan& plan, ChangeReceipt& receipt) {
  if (plan.read_back == ReadBack::kProfileList) {
    if (!receipt.failure.ok()) return;
    auto left = ListProfiles(card, ListProfilesOptions{});
    if (left.ok()) {
      receipt.profiles_after = std::move(*left);
    } else {
      receipt.read_back = left.status();
    }
    return;
  }
  if (plan.read_back != ReadBack::kProfile || plan.steps.empty()) return;
  std::optional<es10::ProfileId> target;
  if (plan.read_back_target) {
    target = plan.read_back_target();
  } else if (!plan.profiles.empty()) {
    target = ProfileIdOf(plan.profiles.front());
  }
  if (!target) return;
  // Whatever happened: the receipt reports the card, not hopes.
  auto now = LookupProfile(card, *target);
  if (!now.ok()) {
    receipt.read_back = now.status().WithContext("reading the profile back");
    return;
  }
  receipt.profile_after = *now;
  if (!receipt.failure.ok()) return;
  if (!plan.steps.back().request) return;
  const auto intended = IntendedState(*plan.steps.back().request);
  const bool as_intended = intended ? now->has_value() && (*now)->profileState == *intended : !now->has_value();
  if (!as_intended) {
    receipt.read_back = Status(ErrorCode::kCardStatus,
                               "the card reported success, but reading the profile back does not show it " +
                                   std::string(intended ? "changed" : "deleted"));
  }
}

}  // namespace

int64_t ChangeStep::seq_number() const {
  const auto* sent = request ? std::get_if<es10::NotificationSentRequest>(&*request) : nullptr;
  return sent ? sent->seqNumber : -1;
}

bool ChangePlan::captures_notifications() const {
  for (const auto& step : steps) {
    if ((step.kind == StepKind::kCommand || step.kind == StepKind::kFlow) && step.makes_notifications) return true;
  }
  return false;
}

Result<ChangeReceipt> RunChangePlan(GuardedSession& guarded, const ChangePlan& plan, Confirmer& confirmer,
                                    const KeeperProgress& progress) {
  ESIM_RETURN_IF_ERROR(CheckPlan(plan));
  ChangeReceipt receipt;
  ESIM_ASSIGN_OR_RETURN(receipt.journaled_first, JournalFirst(guarded, plan));
  if (plan.confirmation) {
    if (auto question = plan.confirmation(receipt.journaled_first)) {
      ESIM_RETURN_IF_ERROR(confirmer.Confirm(*question));
    }
  }
  if (plan.captures_notifications()) ESIM_RETURN_IF_ERROR(HighestSeqBefore(guarded.context()).status());

  std::vector<JournalEntry> to_settle;
  size_t first = 0;  // the next entry of journaled_first
  for (const auto& step : plan.steps) {
    if (step.kind == StepKind::kSettleNotification) {
      to_settle.push_back(receipt.journaled_first[first++]);
      continue;
    }
    const JournalEntry* journaled = step.kind == StepKind::kRemoveNotification ? &receipt.journaled_first[first++]
                                                                               : nullptr;
    std::optional<AppliedChange> applied;
    auto ran = RunJournaled(
        guarded.context(), step.operation, journaled ? journaled->record.iccid : step.iccid,
        [&](int64_t operation_id) -> Status {
          FlowContext flow{guarded.card(), guarded.journal(), operation_id};
          auto result = step.kind == StepKind::kFlow ? step.flow(flow) : ApplyChange(guarded.card(), *step.request);
          if (!result.ok()) return result.status();
          applied = *result;
          return Status::Ok();
        },
        step.kind != StepKind::kRemoveNotification && step.makes_notifications);
    if (!ran.ok()) {
      receipt.failure = ran.status();
      receipt.journal_failed = true;
      return receipt;
    }
    Status outcome = ran->status;
    if (outcome.ok() && journaled) {
      // The card's copy is gone: the journal must say so before anything else happens.
      if (Status marked = JournalFailure(guarded.journal().MarkRemovedFromCard(journaled->id, WallClockMs()));
          !marked.ok()) {
        ran->status = marked;  // the step is not done until the journal knows
        receipt.steps.push_back(std::move(*ran));
        receipt.failure = marked;
        receipt.journal_failed = true;
        return receipt;
      }
    }
    to_settle.insert(to_settle.end(), ran->captured.begin(), ran->captured.end());
    receipt.steps.push_back(std::move(*ran));
    if (!outcome.ok()) {
      receipt.failure = outcome;
      break;
    }
    if (applied) receipt.last_applied = applied;
  }

  if (!to_settle.empty() || plan.captures_notifications()) {
    ESIM_ASSIGN_OR_RETURN(receipt.notifications, guarded.keeper().Settle(to_settle, guarded.eid(), progress));
  }
  ReadBackInto(guarded.card(), plan, receipt);
  return receipt;
}

Result<std::vector<PlannedApdus>> PlanApdus(CardSession& card, const ChangePlan& plan) {
  ESIM_RETURN_IF_ERROR(CheckPlan(plan));
  std::vector<PlannedApdus> planned;
  // In the order they run: settle steps after every other step.
  for (const bool settling : {false, true}) {
    for (const auto& step : plan.steps) {
      if ((step.kind == StepKind::kSettleNotification) != settling) continue;
      PlannedApdus shown{step.description, {}};
      const bool reaches_card = step.request && (step.kind != StepKind::kSettleNotification || step.on_card);
      if (reaches_card) {
        ESIM_ASSIGN_OR_RETURN(shown.apdus, PlanChangeApdus(card, *step.request));
      }
      planned.push_back(std::move(shown));
    }
  }
  return planned;
}

}  // namespace esim
