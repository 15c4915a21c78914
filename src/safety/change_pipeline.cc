#include "src/safety/change_pipeline.h"

#include <type_traits>
#include <utility>

#include "src/ops/profile_list.h"
#include "src/ops/profile_ops.h"

namespace esim {

namespace {

bool IsNotificationStep(const ChangeStep& step) { return step.kind != StepKind::kCommand; }

int64_t SeqOf(const ChangeStep& step) { return std::get<es10::NotificationSentRequest>(step.request).seqNumber; }

// 1. Journals the notifications of the plan's notification steps, in step order.
Result<std::vector<JournalEntry>> JournalFirst(GuardedSession& guarded, const ChangePlan& plan) {
  std::vector<int64_t> seqs;
  for (const auto& step : plan.steps) {
    if (IsNotificationStep(step)) seqs.push_back(SeqOf(step));
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
  if (plan.read_back != ReadBack::kProfile || plan.profiles.empty() || plan.steps.empty()) return;
  // Whatever happened: the receipt reports the card, not hopes.
  auto now = LookupProfile(card, ProfileIdOf(plan.profiles.front()));
  if (!now.ok()) {
    receipt.read_back = now.status().WithContext("reading the profile back");
    return;
  }
  receipt.profile_after = *now;
  if (!receipt.failure.ok()) return;
  const auto intended = IntendedState(plan.steps.back().request);
  const bool as_intended = intended ? now->has_value() && (*now)->profileState == *intended : !now->has_value();
  if (!as_intended) {
    receipt.read_back = Status(ErrorCode::kCardStatus,
                               "the card reported success, but reading the profile back does not show it " +
                                   std::string(intended ? "changed" : "deleted"));
  }
}

}  // namespace

bool ChangePlan::captures_notifications() const {
  for (const auto& step : steps) {
    if (step.kind == StepKind::kCommand && step.makes_notifications) return true;
  }
  return false;
}

Result<ChangeReceipt> RunChangePlan(GuardedSession& guarded, const ChangePlan& plan, Confirmer& confirmer,
                                    const KeeperProgress& progress) {
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
        [&]() -> Status {
          auto result = ApplyChange(guarded.card(), step.request);
          if (!result.ok()) return result.status();
          applied = *result;
          return Status::Ok();
        },
        step.kind == StepKind::kCommand && step.makes_notifications);
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
  std::vector<PlannedApdus> planned;
  for (const auto& step : plan.steps) {
    if (step.kind == StepKind::kSettleNotification && !step.on_card) continue;
    ESIM_ASSIGN_OR_RETURN(auto apdus, PlanChangeApdus(card, step.request));
    planned.push_back({step.description, std::move(apdus)});
  }
  return planned;
}

}  // namespace esim
