#include "src/cli/change_command.h"

#include <unistd.h>

#include <iostream>
#include <utility>

#include "common/utf8.h"
#include "src/cli/cmd_journal_retry.h"
#include "src/cli/journal_view.h"
#include "src/safety/confirmation.h"

namespace esim {

namespace {

// {"dryRun":true, "operation", "steps":[{"operation","apdus":[hex...]}], "afterwards"?} and its text.
int RenderDryRun(Output& out, const std::string& operation, const std::vector<PlannedApdus>& planned,
                 const std::string& preface, const std::string& afterwards) {
  nlohmann::json json_steps = nlohmann::json::array();
  std::string text = preface + "Dry run: nothing that changes the card is sent.\nPlan:\n";
  for (size_t i = 0; i < planned.size(); ++i) {
    nlohmann::json hex = nlohmann::json::array();
    text += "  " + std::to_string(i + 1) + ". " + planned[i].description + "\n";
    for (const auto& apdu : planned[i].apdus) {
      hex.push_back(ToHex(apdu));
      text += "     STORE DATA " + ToHex(apdu) + "\n";
    }
    json_steps.push_back({{"operation", planned[i].description}, {"apdus", hex}});
  }
  if (!afterwards.empty()) text += "Then: " + afterwards + "\n";
  nlohmann::json json = {{"dryRun", true}, {"operation", operation}, {"steps", json_steps}};
  if (!afterwards.empty()) json["afterwards"] = afterwards;
  return out.Finish(json, text, Status::Ok());
}

}  // namespace

void AddChangeFlags(CLI::App& command, ChangeFlags& flags, bool destructive, bool notifies) {
  command.add_flag("--dry-run", flags.dry_run,
                   "show the plan and the APDUs that would be sent; change nothing on the card");
  if (destructive) {
    command.add_flag("-y,--yes", flags.yes, "confirm without asking (for scripts)");
  }
  if (notifies) {
    command.add_flag("--no-notify", flags.no_notify,
                     "journal the new notifications but do not deliver them now");
  }
}

KeeperProgress TerminalProgress() {
  if (isatty(STDERR_FILENO) != 1) return {};
  return [](size_t index, size_t count, const JournalEntry& entry) {
    if (count < 2) return;
    std::cerr << "[" << index << "/" << count << "] notification " << entry.record.seq_number << " ("
              << entry.record.event << ") -> " << TerminalText(entry.record.address) << std::endl;
  };
}

int RunChangeCommand(const CliContext& cli, Output& out, const ChangeFlags& flags, const ChangeCommand& command) {
  if (AllReaders(cli)) {
    return out.Error(Status(ErrorCode::kUsage,
                            "--reader all is for read-only commands; name one reader to change a card "
                            "(esimctl readers lists them); nothing was sent"));
  }
  GuardedSessionOptions options;
  auto card = cli.SessionOptionsFor();
  if (!card.ok()) return out.Error(card.status());
  options.card = std::move(*card);
  options.journal_path = cli.journal_path;
  options.delivery = cli.delivery;
  options.dry_run = flags.dry_run;
  options.deliver = !flags.no_notify;
  auto opened = GuardedSession::Open(options);
  if (!opened.ok()) return out.Error(opened.status());
  GuardedSession& guarded = **opened;
  // A download a killed esimctl left unfinished was recovered first: say so (on stderr, so the
  // command's own output is unchanged; `profile download --json` also lists it).
  if (!guarded.recovered_downloads().empty()) {
    std::string note = RecoveredDownloadsText(guarded.recovered_downloads());
    if (!note.empty() && note.back() == '\n') note.pop_back();
    out.Note(note);
  }
  auto plan = command.plan(guarded);
  if (!plan.ok()) return out.Error(plan.status());

  if (flags.dry_run) {
    auto planned = PlanApdus(guarded.card(), *plan);
    if (!planned.ok()) return out.Error(planned.status());
    return RenderDryRun(out, plan->operation, *planned,
                        command.dry_run_preface ? command.dry_run_preface(guarded, *plan) : "",
                        command.afterwards ? command.afterwards(*plan) : "");
  }
  TerminalConfirmer confirmer = TerminalConfirmer::ForProcess(flags.yes);
  auto receipt = RunChangePlan(guarded, *plan, confirmer, TerminalProgress());
  if (!receipt.ok()) return out.Error(receipt.status());
  return command.receipt(out, guarded, *plan, *receipt);
}

nlohmann::json NotificationsReceiptJson(const std::vector<KeptNotification>& kept) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& k : kept) {
    const JournalEntry& e = k.entry;
    nlohmann::json attempts = nlohmann::json::array();
    for (const auto& a : e.attempts) attempts.push_back(DeliveryAttemptJson(a));
    list.push_back({{"seqNumber", e.record.seq_number},
                    {"event", e.record.event},
                    {"iccid", e.record.iccid ? nlohmann::json(*e.record.iccid) : nlohmann::json(nullptr)},
                    {"address", e.record.address},
                    {"eid", e.record.eid},
                    {"journalId", e.id},
                    {"state", NotificationStateName(e.state())},
                    {"acceptedAt", e.accepted_at_ms ? nlohmann::json(FormatTimeMs(*e.accepted_at_ms))
                                                    : nlohmann::json(nullptr)},
                    {"removedFromCard", e.removed_at_ms.has_value()},
                    {"deliveredNow", k.delivered_now},
                    {"attempts", attempts},
                    {"pending", e.pending()},
                    {"reason", k.not_yet ? nlohmann::json(*k.not_yet) : nlohmann::json(nullptr)}});
  }
  return list;
}

std::string NotificationsReceiptText(const std::vector<KeptNotification>& kept, const std::string& journal_path) {
  std::string text;
  for (const auto& k : kept) {
    const JournalEntry& e = k.entry;
    text += "Notification " + std::to_string(e.record.seq_number) + " (" + e.record.event +
            (e.record.iccid ? ", ICCID " + *e.record.iccid : std::string()) + ", journal entry " +
            std::to_string(e.id) + "):\n";
    if (e.accepted_at_ms) {
      text += "  accepted by " + e.record.address + " at " + FormatTimeMs(*e.accepted_at_ms);
      text += e.removed_at_ms ? "; removed from the card.\n" : ".\n";
      if (!e.removed_at_ms) {
        text += "  Still on the card: " +
                k.not_yet.value_or("it is removed the next time the card is present") + ".\n";
      }
      continue;
    }
    const size_t tries = e.attempts.size();
    text += "  NOT accepted yet by " + e.record.address + ": " + k.not_yet.value_or("not delivered") +
            (tries > 0 ? " (" + std::to_string(tries) + (tries == 1 ? " attempt so far)" : " attempts so far)")
                       : std::string()) + ".\n";
    text += std::string("  Kept ") + (e.removed_at_ms ? "in the journal" : "on the card and in the journal") +
            " (" + journal_path + ").\n";
    text += "  Send it later with: esimctl journal retry   (or, with the card: esimctl notification process " +
            std::to_string(e.record.seq_number) + ")\n";
  }
  return text;
}

Status PendingStatus(const std::vector<KeptNotification>& kept, bool delivery_wanted) {
  if (!delivery_wanted) return Status::Ok();
  size_t pending = 0;
  // Accepted but still on the card is not a delivery problem: the carrier knows.
  for (const auto& k : kept) pending += k.entry.accepted_at_ms ? 0 : 1;
  if (pending == 0) return Status::Ok();
  return Status(ErrorCode::kNotificationPending,
                std::to_string(pending) + (pending == 1 ? " notification is" : " notifications are") +
                    " not yet accepted by the SM-DP+ and kept for later delivery (esimctl journal retry)");
}

}  // namespace esim
