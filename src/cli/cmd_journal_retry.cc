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
#include "src/safety/guarded_session.h"
#include "src/safety/journal_retry.h"

namespace esim {

namespace {

int RunRetry(const CliContext& context, Output& out) {
  auto journal = context.OpenJournal();
  if (!journal.ok()) return out.Error(journal.status());
  auto client = CreateDeliveryClient(context.delivery);
  if (!client.ok()) return out.Error(client.status());
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
  std::string text = final_state.empty() ? "Nothing to retry: every journaled notification is accepted and "
                                           "removed from its card.\n"
                                         : NotificationsReceiptText(final_state, (*journal)->path());
  if (!card_note.empty()) text += card_note + "\n";
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
