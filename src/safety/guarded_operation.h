// Guarded operations: every state-changing ES10 command runs under the journal.
//
// RunJournaled is where one step of a plan meets the safety order of docs/safety.md: commit
// the intent; send the command; commit its outcome; read the notifications it made (seqNumber
// above the highest known before) and commit them; only then is anything delivered
// (NotificationKeeper::Settle). The change pipeline (change_pipeline.h) runs every step of
// every plan through it. Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "asn1/messages.h"
#include "common/status.h"
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

// Reads the highest seqNumber known before the next command into `context` (one
// ListNotification, and the journal) and returns it.
Result<int64_t> HighestSeqBefore(GuardedContext& context);

// Runs `command` under the journal (see the file comment); with `capture_notifications`
// (needs HighestSeqBefore first) then journals the notifications it produced. Fails only when
// the journal cannot be written (kJournalUnavailable); the command's own failure is in the step.
// `command` is given the operation's journal id (for records of its own).
Result<JournaledStep> RunJournaled(GuardedContext& context, const std::string& operation,
                                   const std::optional<std::string>& iccid,
                                   const std::function<Status(int64_t operation_id)>& command,
                                   bool capture_notifications = true);
// As above, for a command that needs no journal id.
Result<JournaledStep> RunJournaled(GuardedContext& context, const std::string& operation,
                                   const std::optional<std::string>& iccid,
                                   const std::function<Status()>& command, bool capture_notifications = true);

}  // namespace esim
