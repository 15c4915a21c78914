// GuardedCommand: what a state-changing CLI command holds open, opened in the safe order.
//
// The journal is opened and proven writable before the card is touched, so a read-only
// path or a full disk stops the command with nothing sent. Then the delivery client (unless
// --no-notify or --dry-run), then the card session and its EID. --dry-run opens no journal.
// Also the shared flags (--dry-run, --yes, --no-notify) and the receipt rendering of
// notifications. Not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/cli/cli_context.h"
#include "src/safety/guarded_operation.h"
#include "src/safety/notification_keeper.h"

namespace esim {

// Flags of a state-changing command.
struct ChangeFlags {
  bool dry_run = false;
  bool yes = false;        // destructive commands only
  bool no_notify = false;  // commands that produce notifications only
};

// Adds --dry-run, and --yes when `destructive`, and --no-notify when `notifies`.
void AddChangeFlags(CLI::App& command, ChangeFlags& flags, bool destructive, bool notifies);

class GuardedCommand {
 public:
  // Opens journal, delivery client, card session (in that order; see the file comment).
  static Result<std::unique_ptr<GuardedCommand>> Open(const CliContext& cli, const ChangeFlags& flags);

  CardSession& session() { return *session_; }
  // Null in --dry-run.
  NotificationJournal* journal() { return journal_.get(); }
  NotificationKeeper& keeper() { return *keeper_; }
  // Not available in --dry-run (no journal).
  GuardedContext& context() { return *context_; }
  const std::string& eid() const { return eid_; }
  bool notify() const { return client_ != nullptr; }

  // Delivers and clears `captured` (a progress line per notification on a terminal when
  // there are several); with --no-notify only reports them as kept.
  Result<std::vector<KeptNotification>> Settle(const std::vector<JournalEntry>& captured);

 private:
  GuardedCommand() = default;
  std::unique_ptr<NotificationJournal> journal_;
  std::unique_ptr<HandleNotificationClient> client_;
  std::unique_ptr<CardSession> session_;
  std::unique_ptr<NotificationKeeper> keeper_;
  std::unique_ptr<GuardedContext> context_;
  std::string eid_;
};

// The delivery client for the CLI's options (User-Agent esimctl/VERSION); kInvalidInput for
// a bad --ca-file or --connect-to.
Result<std::unique_ptr<HandleNotificationClient>> CreateDeliveryClient(const CliContext& cli);

// A progress printer for Settle on stderr, or an empty one when stderr is not a terminal.
KeeperProgress TerminalProgress();

// ---- Receipts ---------------------------------------------------------------------------
// [{seqNumber, event, iccid, address, journalId, state, acceptedAt, removedFromCard,
//   attempts, pending, reason}] for a receipt's "notifications" member.
nlohmann::json NotificationsReceiptJson(const std::vector<KeptNotification>& kept);
// One paragraph per notification: where it went, when accepted, or why not yet and how to
// send it later; names the journal entry and, for pending ones, the journal path.
std::string NotificationsReceiptText(const std::vector<KeptNotification>& kept, const std::string& journal_path);
// kNotificationPending when any of `kept` still waits for its SM-DP+ (and delivery was
// wanted), else OK.
Status PendingStatus(const std::vector<KeptNotification>& kept, bool delivery_wanted);

// Dry run: {"dryRun":true, "steps":[{"operation","apdus":[hex...]}]} and its text, for the
// ES10 requests `steps` (name, request) as this session would send them.
struct PlannedStep {
  std::string description;            // "disable profile 8999... (Contoso)"
  Es10Client::ChangeRequest request;
};
Result<std::pair<nlohmann::json, std::string>> RenderDryRun(CardSession& session,
                                                            const std::vector<PlannedStep>& steps,
                                                            const std::string& afterwards);

}  // namespace esim
