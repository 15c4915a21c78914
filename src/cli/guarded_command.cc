#include "src/cli/guarded_command.h"

#include <unistd.h>

#include <iostream>
#include <utility>

#include "common/utf8.h"
#include "src/cli/journal_view.h"

#ifndef ESIMCTL_VERSION
#define ESIMCTL_VERSION "0.0.0"
#endif

namespace esim {

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

Result<std::unique_ptr<HandleNotificationClient>> CreateDeliveryClient(const CliContext& cli) {
  DeliveryOptions options = cli.delivery;
  options.user_agent = std::string("esimctl/") + ESIMCTL_VERSION;
  return HandleNotificationClient::Create(std::move(options));
}

KeeperProgress TerminalProgress() {
  if (isatty(STDERR_FILENO) != 1) return {};
  return [](size_t index, size_t count, const JournalEntry& entry) {
    if (count < 2) return;
    std::cerr << "[" << index << "/" << count << "] notification " << entry.record.seq_number << " ("
              << entry.record.event << ") -> " << TerminalText(entry.record.address) << std::endl;
  };
}

Result<std::unique_ptr<GuardedCommand>> GuardedCommand::Open(const CliContext& cli, const ChangeFlags& flags) {
  if (AllReaders(cli)) {
    return Status(ErrorCode::kUsage,
                  "--reader all is for read-only commands; name one reader to change a card "
                  "(esimctl readers lists them); nothing was sent");
  }
  std::unique_ptr<GuardedCommand> command(new GuardedCommand());
  if (!flags.dry_run) {
    // Before the card is touched: a journal that cannot take a commit stops everything here.
    auto journal = cli.OpenJournal();
    if (!journal.ok()) {
      return Status(journal.status().code(), journal.status().message() + "; nothing was sent to the card");
    }
    command->journal_ = std::move(*journal);
    if (Status s = command->journal_->CheckWritable(); !s.ok()) {
      return Status(ErrorCode::kJournalUnavailable, s.message() + "; nothing was sent to the card");
    }
    if (!flags.no_notify) {
      ESIM_ASSIGN_OR_RETURN(command->client_, CreateDeliveryClient(cli));
    }
  }
  ESIM_ASSIGN_OR_RETURN(command->session_, cli.OpenSession());
  ESIM_ASSIGN_OR_RETURN(command->eid_, command->session_->es10().GetEid());
  if (command->journal_) {
    command->keeper_ = std::make_unique<NotificationKeeper>(command->session_.get(), *command->journal_,
                                                            command->client_.get(), WallClockMs);
    command->context_ = std::make_unique<GuardedContext>(
        GuardedContext{*command->session_, *command->journal_, *command->keeper_, command->eid_, -1});
  }
  return command;
}

Result<std::vector<KeptNotification>> GuardedCommand::Settle(const std::vector<JournalEntry>& captured) {
  return keeper_->Settle(captured, eid_, TerminalProgress());
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

Result<std::pair<nlohmann::json, std::string>> RenderDryRun(CardSession& session,
                                                            const std::vector<PlannedStep>& steps,
                                                            const std::string& afterwards) {
  nlohmann::json json_steps = nlohmann::json::array();
  std::string text = "Dry run: nothing that changes the card is sent.\nPlan:\n";
  for (size_t i = 0; i < steps.size(); ++i) {
    ESIM_ASSIGN_OR_RETURN(auto apdus, session.es10().PlanCommand(steps[i].request));
    nlohmann::json hex = nlohmann::json::array();
    text += "  " + std::to_string(i + 1) + ". " + steps[i].description + "\n";
    for (const auto& apdu : apdus) {
      hex.push_back(ToHex(apdu));
      text += "     STORE DATA " + ToHex(apdu) + "\n";
    }
    json_steps.push_back({{"operation", steps[i].description}, {"apdus", hex}});
  }
  if (!afterwards.empty()) text += "Then: " + afterwards + "\n";
  nlohmann::json json = {{"dryRun", true}, {"steps", json_steps}};
  if (!afterwards.empty()) json["afterwards"] = afterwards;
  return std::make_pair(json, text);
}

}  // namespace esim
