// ChangeCommand: how a state-changing CLI command is put together: build a plan, run the
// pipeline, render the receipt.
//
// RunChangeCommand opens the guarded session (journal first, then delivery client, then card;
// src/safety/guarded_session.h), asks the command for its plan, and then either renders the
// plan's APDUs (--dry-run) or runs it through the change pipeline (src/safety/change_pipeline.h)
// with the terminal's confirmation and progress line, and hands the receipt to the command's
// renderer. What stays with each command is its own: options, prompts' wording, and text and
// JSON rendering. Not thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/cli/cli_context.h"
#include "src/safety/change_pipeline.h"
#include "src/safety/guarded_session.h"

namespace esim {

// Flags of a state-changing command.
struct ChangeFlags {
  bool dry_run = false;
  bool yes = false;        // destructive commands only
  bool no_notify = false;  // commands that produce notifications only
};

// Adds --dry-run, and --yes when `destructive`, and --no-notify when `notifies`.
void AddChangeFlags(CLI::App& command, ChangeFlags& flags, bool destructive, bool notifies);

// One state-changing command, as RunChangeCommand runs it.
struct ChangeCommand {
  // The plan, built on the opened card (it may set plan.confirmation with the command's wording).
  std::function<Result<ChangePlan>(GuardedSession&)> plan;
  // --dry-run only: text shown before the plan, and the "Then:" line after it (both optional).
  std::function<std::string(const GuardedSession&, const ChangePlan&)> dry_run_preface;
  std::function<std::string(const ChangePlan&)> afterwards;
  // The receipt: prints it and returns the exit code.
  std::function<int(Output&, GuardedSession&, const ChangePlan&, const ChangeReceipt&)> receipt;
};

// Opens, plans, then renders the dry run or runs the plan and its receipt (see the file
// comment); returns the exit code. `--reader all` is refused with nothing sent.
int RunChangeCommand(const CliContext& cli, Output& out, const ChangeFlags& flags, const ChangeCommand& command);

// A progress printer for settling on stderr, or an empty one when stderr is not a terminal.
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

}  // namespace esim
