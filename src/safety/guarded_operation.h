// Guarded operations: every state-changing ES10 command runs under the journal.
//
// RunJournaled is the one place where a command meets the safety order of docs/safety.md:
// commit the intent; send the command; commit its outcome; read the notifications it made
// (seqNumber above the highest known before) and commit them; only then is anything
// delivered (NotificationKeeper::Settle). Commands using it: profile enable/disable/delete,
// nickname, chip reset, default SM-DP+ address. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "asn1/messages.h"
#include "common/status.h"
#include "src/ops/profile_ops.h"
#include "src/safety/notification_journal.h"
#include "src/safety/notification_keeper.h"
#include "src/session/card_session.h"

namespace esim {

// What every guarded command shares: the card, the journal, the keeper and the card's EID.
struct GuardedContext {
  CardSession& session;
  NotificationJournal& journal;
  NotificationKeeper& keeper;
  std::string eid;
  int64_t highest_seq = -1;  // highest seqNumber known before the next command
};

// One journaled command and what it left behind.
struct JournaledStep {
  std::string operation;                 // "enable", "disable", "delete", "reset", ...
  int64_t operation_id = 0;              // its journal entry
  Status status;                         // the command's outcome
  std::vector<JournalEntry> captured;    // the notifications it produced, journaled
};

// Opens the guarded context: reads the EID and the highest known seqNumber (one GetEID,
// one ListNotification).
Result<int64_t> HighestSeqBefore(GuardedContext& context);

// Runs `command` under the journal (see the file comment); with `capture_notifications`
// (needs HighestSeqBefore first) then journals the notifications it produced. Fails only when
// the journal cannot be written (kJournalUnavailable); the command's own failure is in the step.
Result<JournaledStep> RunJournaled(GuardedContext& context, const std::string& operation,
                                   const std::optional<std::string>& iccid,
                                   const std::function<Status()>& command, bool capture_notifications = true);

// A profile enable/disable/delete (with the disable step of --disable-first), checked
// against the card before anything is sent.
struct ProfileChangePlan {
  es10::ProfileInfo target;                  // as the card lists it now
  std::vector<StateChange> steps;            // e.g. {kDisable, kDelete}
  // The SM-DP+ addresses the profile asks to be notified at, per step (empty: none).
  std::vector<std::optional<std::string>> notify_addresses;
};

// Looks `profile` up (one GetProfilesInfo) and plans `change`: kProfileNotFound if absent;
// deleting an enabled profile is kWrongProfileState unless `disable_first`. Sends nothing
// that changes the card.
Result<ProfileChangePlan> PlanProfileChange(CardSession& session, StateChange change,
                                            const es10::ProfileId& profile, bool disable_first);

// The outcome of ExecuteProfileChange.
struct ProfileChangeOutcome {
  std::vector<JournaledStep> steps;              // the commands run, in order
  std::optional<ProfileChangeReport> last_report;  // the last successful step's report
  Status failure;                                // the first failed step's status (ok if none)
  std::optional<es10::ProfileInfo> read_back;    // the profile as listed afterwards; nullopt = gone
  Status verification;                           // ok if read_back shows the intended state
};

// Runs the plan's steps under the journal, stopping at the first failure, then reads the
// profile back. Notifications are captured, not delivered (the caller settles them).
Result<ProfileChangeOutcome> ExecuteProfileChange(GuardedContext& context, const ProfileChangePlan& plan,
                                                  bool refresh);

// "enable", "disable", "delete".
const char* StateChangeName(StateChange change);

}  // namespace esim
