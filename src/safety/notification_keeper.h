// NotificationKeeper: moves eUICC notifications from the card to their SM-DP+ without ever
// holding none of the two copies that keep them safe.
//
// The order is fixed (docs/safety.md): a notification is committed to the journal (exact
// DER) before any delivery; the SM-DP+'s acceptance is committed before NotificationSent
// removes it from the card; the removal is committed afterwards. A crash between any two
// steps leaves it on the card, in the journal as undelivered, or both, and the next
// `notification process` / `journal retry` picks it up from there. Delivery failures are
// journaled and left pending, never dropped.
//
// Works with or without a card (journal retry delivers from the journal alone) and with or
// without a delivery client (--no-notify journals but does not deliver).
// Not thread-safe: one keeper per command, on the thread that owns the session.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "src/safety/handle_notification_client.h"
#include "src/safety/notification_journal.h"
#include "src/session/card_session.h"

namespace esim {

// What became of one notification in this run.
struct KeptNotification {
  JournalEntry entry;                    // as journaled at the end of the run
  bool delivered_now = false;            // accepted by the SM-DP+ in this run
  bool removed_now = false;              // removed from the card in this run
  std::optional<std::string> not_yet;    // why it is still pending, if it is
};

// Progress of a run over several notifications: (index from 1, count, entry) before each.
using KeeperProgress = std::function<void(size_t, size_t, const JournalEntry&)>;

class NotificationKeeper {
 public:
  // `session` may be null (no card), `client` may be null (do not deliver). Both, and
  // `journal`, must outlive the keeper. `now_ms` gives the wall clock in Unix ms.
  NotificationKeeper(CardSession* session, NotificationJournal& journal,
                     HandleNotificationClient* client, std::function<int64_t()> now_ms);

  // The highest seqNumber known for `eid` before an operation: on the card (one
  // ListNotification) or in the journal. Notifications above it are the operation's.
  Result<int64_t> HighestKnownSeq(const std::string& eid);

  // Journals every notification on the card with a seqNumber above `above` (one
  // ListNotification, then one RetrieveNotificationsList each), tagged with `operation_id`.
  // Returns their journal entries in seqNumber order. Needs a session.
  Result<std::vector<JournalEntry>> CaptureAbove(const std::string& eid, int64_t above,
                                                 std::optional<int64_t> operation_id);

  // Journals the card's notifications with the given seqNumbers (all of them if `seqs` is
  // empty). A seqNumber not on the card is kNothingToDelete unless already journaled, in
  // which case its journal entry is returned. Needs a session.
  Result<std::vector<JournalEntry>> CaptureSeqs(const std::string& eid, const std::vector<int64_t>& seqs);
  // As CaptureSeqs for exactly `seqs` (none: nothing is journaled), with `listed` the
  // seqNumbers the card listed moments ago: no ListNotification of its own. Needs a session.
  Result<std::vector<JournalEntry>> CaptureListed(const std::string& eid, const std::vector<int64_t>& seqs,
                                                  const std::vector<int64_t>& listed);

  // Brings each journaled notification as far as it can go: delivers it if not accepted
  // (with a client), then, if accepted and still on this card (a session whose EID is
  // `card_eid`), removes it with NotificationSent. Journal write failures stop the run with
  // kJournalUnavailable; delivery failures do not (they are reported per notification).
  Result<std::vector<KeptNotification>> Settle(const std::vector<JournalEntry>& entries,
                                               const std::optional<std::string>& card_eid,
                                               const KeeperProgress& progress = {});

 private:
  // Journals `n`, read from the card, and returns its entry.
  Result<JournalEntry> Journal(const std::string& eid, const es10::PendingNotification& n,
                               std::optional<int64_t> operation_id);
  // Settles one entry; see Settle.
  Result<KeptNotification> SettleOne(const JournalEntry& entry, const std::optional<std::string>& card_eid);

  CardSession* session_;
  NotificationJournal& journal_;
  HandleNotificationClient* client_;
  std::function<int64_t()> now_ms_;
};

// A journal failure as the user must see it: kJournalUnavailable, saying what is safe.
Status JournalFailure(const Status& status);

// The current wall clock in Unix milliseconds.
int64_t WallClockMs();

}  // namespace esim
