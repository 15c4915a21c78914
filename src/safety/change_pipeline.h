// The change pipeline: the one way esimctl changes a card.
//
// RunChangePlan takes a plan (change_plan.h) and walks the order of docs/safety.md:
//   1. journal the notifications the plan's notification steps act on (their signed bytes
//      outlive the card's copy before anything is sent);
//   2. ask the plan's confirmation, if it has one (nothing is sent when it is refused);
//   3. read the highest seqNumber known before (when a step may make notifications);
//   4. run each step under the journal: intent committed, request sent (or the flow run),
//      outcome committed, new notifications journaled; stop at the first failure;
//   5. settle the notifications (deliver, commit acceptance, NotificationSent, commit): those the
//      steps made, then those of the plan's settle steps;
//   6. read the card back;
// and returns the receipt. PlanApdus encodes the same steps for --dry-run.
// Not thread-safe: one pipeline run per GuardedSession at a time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "asn1/messages.h"
#include "common/bytes.h"
#include "common/status.h"
#include "src/safety/change_plan.h"
#include "src/safety/confirmation.h"
#include "src/safety/guarded_operation.h"
#include "src/safety/guarded_session.h"
#include "src/safety/notification_keeper.h"

namespace esim {

// What a plan's run did.
struct ChangeReceipt {
  std::vector<JournaledStep> steps;             // the steps sent, in order
  std::optional<AppliedChange> last_applied;    // how the card confirmed the last successful step
  // The first failure: a step's own (the card refused), or the journal's (journal_failed).
  Status failure;
  // The journal could not be written: the run stopped there; nothing was settled or read back.
  bool journal_failed = false;
  // The notifications of the plan's notification steps, journaled before anything was sent.
  std::vector<JournalEntry> journaled_first;
  // What became of each notification the run settled (steps' new ones, then settle steps').
  std::vector<KeptNotification> notifications;
  // ReadBack::kProfile: the profile as listed afterwards (inner nullopt: gone); unset when it
  // could not be read. ReadBack::kProfileList: every profile afterwards.
  std::optional<std::optional<es10::ProfileInfo>> profile_after;
  std::optional<std::vector<es10::ProfileInfo>> profiles_after;
  // Ok, or why the read-back failed or (kProfile) does not show what the plan intended.
  Status read_back;
};

// Runs `plan` on `guarded` (not a dry run); see the file comment. `confirmer` answers the
// plan's confirmation; `progress` is told before each notification is settled. A Status is
// returned when nothing was sent (journaling first, confirmation, the highest seqNumber) or
// when settling could not write the journal; a step's failure or a journal failure around a
// step is in the receipt.
Result<ChangeReceipt> RunChangePlan(GuardedSession& guarded, const ChangePlan& plan, Confirmer& confirmer,
                                    const KeeperProgress& progress = {});

// A step as --dry-run shows it: its description and the STORE DATA APDUs it sends.
struct PlannedApdus {
  std::string description;
  std::vector<Bytes> apdus;  // empty: nothing known in advance (a flow) or nothing for the card
};

// Every step of `plan` in the order RunChangePlan runs them, with its APDUs encoded as `card`
// would send them; sends nothing. A flow's requests and the NotificationSent of a notification
// only the journal still holds are not known to reach the card: they are shown without APDUs.
Result<std::vector<PlannedApdus>> PlanApdus(CardSession& card, const ChangePlan& plan);

}  // namespace esim
