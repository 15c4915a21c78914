// `esimctl journal retry`: delivers the journal's undelivered notifications, card or no card.
//
// The retry itself is the safety layer's (src/safety/journal_retry.h: deliver from the journal
// alone, then remove the accepted ones from their card if it is present); this file opens the
// journal and the client from the options and renders the receipt.
#include "src/cli/cmd_journal_retry.h"

#include <string>
#include <vector>

#include "src/cli/change_command.h"
#include "src/cli/lazy_subcommand.h"
#include "src/safety/es9p_https.h"
#include "src/safety/guarded_session.h"
#include "src/safety/journal_retry.h"

namespace esim {

nlohmann::json DownloadEntryJson(const DownloadEntry& d) {
  auto opt = [](const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  return {{"operationId", d.operation_id},
          {"smdpAddress", d.smdp_address},
          {"matchingIdSha256", opt(d.matching_id_sha256)},
          {"transactionId", opt(d.transaction_id)},
          {"iccid", opt(d.iccid)},
          {"serviceProviderName", opt(d.provider_name)},
          {"profileName", opt(d.profile_name)},
          {"step", d.step},
          {"cancelReason", opt(d.cancel_reason)},
          {"cardCancelAnswer", opt(d.card_cancel_answer)},
          {"serverCancelAnswer", opt(d.server_cancel_answer)},
          {"result", opt(d.result)},
          {"finished", d.finished()}};
}

nlohmann::json RecoveredDownloadsJson(const std::vector<RecoveredDownload>& recovered) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : recovered) {
    nlohmann::json entry = DownloadEntryJson(r.entry);
    entry["recovery"] = r.action;
    list.push_back(std::move(entry));
  }
  return list;
}

std::string RecoveredDownloadsText(const std::vector<RecoveredDownload>& recovered) {
  std::string text;
  for (const auto& r : recovered) {
    text += "Interrupted download (journal operation " + std::to_string(r.entry.operation_id) + ", SM-DP+ " +
            r.entry.smdp_address + ", reached " + r.entry.step + "): " + r.action +
            (r.entry.finished() ? "." : "; still unfinished.") + "\n";
  }
  return text;
}

namespace {

// Recovers the unfinished downloads of the card present, if any (and if a card is here).
std::vector<RecoveredDownload> RecoverOnCard(const CliContext& context, NotificationJournal& journal,
                                             HandleNotificationClient& client, std::string& note) {
  if (!HasUnfinishedDownloads(journal)) return {};
  auto session = context.OpenSession();
  Result<std::string> eid = session.ok() ? (*session)->es10().GetEid() : Result<std::string>(session.status());
  if (!eid.ok()) {
    note = "Unfinished downloads wait for their card (" + eid.status().message() + ").";
    return {};
  }
  NotificationKeeper keeper(session->get(), journal, &client, WallClockMs);
  auto recovered = RecoverDownloads(**session, *eid, journal, keeper, [&client](const std::string& address) {
    return std::unique_ptr<es9p::Es9PlusServer>(std::make_unique<Es9PlusHttps>(client, address));
  });
  if (!recovered.ok()) {
    note = "Recovering the unfinished downloads failed: " + recovered.status().message();
    return {};
  }
  return std::move(*recovered);
}

int RunRetry(const CliContext& context, Output& out) {
  auto journal = context.OpenJournal();
  if (!journal.ok()) return out.Error(journal.status());
  auto client = CreateDeliveryClient(context.delivery);
  if (!client.ok()) return out.Error(client.status());
  // Downloads first: recovering one journals the card's notifications, which the retry delivers.
  std::string download_note;
  std::vector<RecoveredDownload> recovered = RecoverOnCard(context, **journal, **client, download_note);
  auto retried = RetryFromJournal(**journal, **client, [&context] { return context.OpenSession(); },
                                  TerminalProgress());
  if (!retried.ok()) return out.Error(retried.status());
  std::string card_note;
  if (retried->card_unavailable) {
    card_note = "No card to remove the accepted notifications from (" + retried->card_unavailable->message() +
                "); they are removed the next time their card is present.";
  } else if (retried->on_other_cards > 0) {
    card_note = std::to_string(retried->on_other_cards) +
                " accepted notification(s) belong to another eUICC; they are removed when it is present.";
  }
  const std::vector<KeptNotification>& final_state = retried->notifications;
  nlohmann::json document = {{"operation", "journal-retry"},
                             {"journal", (*journal)->path()},
                             {"notifications", NotificationsReceiptJson(final_state)}};
  if (!card_note.empty()) document["card"] = card_note;
  document["downloads"] = RecoveredDownloadsJson(recovered);
  if (!download_note.empty()) document["downloadsNote"] = download_note;
  std::string text = !final_state.empty() ? NotificationsReceiptText(final_state, (*journal)->path())
                     : recovered.empty()   ? "Nothing to retry: every journaled notification is accepted and "
                                             "removed from its card.\n"
                                           : "";
  if (!card_note.empty()) text += card_note + "\n";
  text += RecoveredDownloadsText(recovered);
  if (!download_note.empty()) text += download_note + "\n";
  return out.Finish(document, text, PendingStatus(final_state, true));
}

}  // namespace

void AddJournalRetryCommand(CLI::App& group, CliContext& context) {
  AddLazySubcommand(group, "retry",
                    "deliver the journal's undelivered notifications (no card needed), then remove "
                    "accepted ones from the card if it is present",
                    [&context](CLI::App&) {
                      context.run = [&context](Output& out) { return RunRetry(context, out); };
                    });
}

}  // namespace esim
