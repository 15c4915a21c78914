// GuardedSession: what a state-changing command holds open, opened in the safe order.
//
// The journal is opened and proven writable (a committed test write) before the card is
// touched, so a read-only path or a full disk stops the command with nothing sent. Then the
// delivery client (unless delivery is off or this is a dry run), then the card session and its
// EID (one GetEID). Then, when the journal holds an unfinished download of this card (a kill
// during `profile download`) and notifications are delivered, it is recovered before anything
// else is done (RecoverDownloads). A dry run opens no journal and no client: it only encodes requests.
// Not thread-safe: one per command, on the thread that owns the card session.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "src/safety/download_recovery.h"
#include "src/safety/guarded_operation.h"
#include "src/safety/handle_notification_client.h"
#include "src/safety/notification_journal.h"
#include "src/safety/notification_keeper.h"
#include "src/session/card_session.h"

namespace esim {

struct GuardedSessionOptions {
  SessionOptions card;            // the reader and how to talk to it
  std::string journal_path;       // empty: NotificationJournal::DefaultPath()
  DeliveryOptions delivery;       // for the delivery client (its User-Agent is set here)
  bool dry_run = false;           // open the card only: nothing will be sent that changes it
  bool deliver = true;            // false (--no-notify): journal notifications, deliver none now
};

class GuardedSession {
 public:
  // Opens journal, delivery client and card session in that order (see the file comment).
  // Journal failures are kJournalUnavailable and say that nothing was sent.
  static Result<std::unique_ptr<GuardedSession>> Open(const GuardedSessionOptions& options);

  // The card.
  CardSession& card() { return *card_; }
  // The card's EID, read at Open.
  const std::string& eid() const { return eid_; }
  // True for a dry run: no journal, no keeper, no context.
  bool dry_run() const { return journal_ == nullptr; }
  // True when notifications are delivered now (a client is open).
  bool delivers() const { return client_ != nullptr; }
  // The journal (not in a dry run).
  NotificationJournal& journal() { return *journal_; }
  // Moves notifications card -> journal -> SM-DP+ (not in a dry run).
  NotificationKeeper& keeper() { return *keeper_; }
  // Card, journal, keeper and EID together, for RunJournaled (not in a dry run).
  GuardedContext& context() { return *context_; }
  // The unfinished downloads of this card Open found in the journal and recovered
  // (download_recovery.h; only when notifications are delivered), for the receipt.
  const std::vector<RecoveredDownload>& recovered_downloads() const { return recovered_; }

 private:
  // Lets Open() use make_unique while nobody else can build an unopened session.
  struct Key {
    explicit Key() = default;
  };

 public:
  explicit GuardedSession(Key) {}

 private:
  std::unique_ptr<NotificationJournal> journal_;
  std::unique_ptr<HandleNotificationClient> client_;
  std::unique_ptr<CardSession> card_;
  std::unique_ptr<NotificationKeeper> keeper_;
  std::unique_ptr<GuardedContext> context_;
  std::string eid_;
  std::vector<RecoveredDownload> recovered_;
};

// Opens the notification journal at `path` (empty: the default path); any failure is
// kJournalUnavailable naming the path.
Result<std::unique_ptr<NotificationJournal>> OpenNotificationJournal(const std::string& path);

// The delivery client for `options` with esimctl's User-Agent (esimctl/VERSION);
// kInvalidInput for a bad CA file or connect-to entry.
Result<std::unique_ptr<HandleNotificationClient>> CreateDeliveryClient(DeliveryOptions options);

}  // namespace esim
