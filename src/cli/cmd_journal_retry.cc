// `esimctl journal retry`: delivers the journal's undelivered notifications, card or no card.
//
// The journal holds each notification's signed bytes, so delivery needs no card. Removal from
// the card (NotificationSent) does: after delivering, retry looks for a card only if some
// accepted notification is still on one, and removes those of the card it finds. No card
// is not an error: they are removed on a later run.
#include "src/cli/cmd_journal_retry.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "src/cli/change_command.h"
#include "src/cli/lazy_subcommand.h"
#include "src/safety/notification_keeper.h"

namespace esim {

namespace {

bool OnCardAfterAcceptance(const JournalEntry& e) { return e.accepted_at_ms && !e.removed_at_ms; }

int RunRetry(const CliContext& context, Output& out) {
  auto journal = context.OpenJournal();
  if (!journal.ok()) return out.Error(journal.status());
  auto client = CreateDeliveryClient(context.delivery);
  if (!client.ok()) return out.Error(client.status());
  auto pending = (*journal)->List(true);
  if (!pending.ok()) return out.Error(JournalFailure(pending.status()));

  // 1. Deliver, from the journal alone.
  NotificationKeeper offline(nullptr, **journal, client->get(), WallClockMs);
  auto delivered = offline.Settle(*pending, std::nullopt, TerminalProgress());
  if (!delivered.ok()) return out.Error(delivered.status());

  // 2. Remove the accepted ones from the card, if their card is here.
  std::vector<JournalEntry> to_remove;
  for (const auto& k : *delivered) {
    if (OnCardAfterAcceptance(k.entry)) to_remove.push_back(k.entry);
  }
  std::string card_note;
  std::vector<KeptNotification> removed;
  if (!to_remove.empty()) {
    auto session = context.OpenSession();
    Result<std::string> eid = session.ok() ? (*session)->es10().GetEid() : Result<std::string>(session.status());
    if (!eid.ok()) {
      card_note = "No card to remove the accepted notifications from (" + eid.status().message() +
                  "); they are removed the next time their card is present.";
    } else {
      std::vector<JournalEntry> here;
      std::copy_if(to_remove.begin(), to_remove.end(), std::back_inserter(here),
                   [&](const JournalEntry& e) { return e.record.eid == *eid; });
      NotificationKeeper on_card(session->get(), **journal, nullptr, WallClockMs);
      auto result = on_card.Settle(here, *eid);
      if (!result.ok()) return out.Error(result.status());
      removed = std::move(*result);
      if (here.size() < to_remove.size()) {
        card_note = std::to_string(to_remove.size() - here.size()) +
                    " accepted notification(s) belong to another eUICC; they are removed when it is present.";
      }
    }
  }
  // The receipt shows each notification once, in its final state.
  std::vector<KeptNotification> final_state = std::move(*delivered);
  for (auto& k : final_state) {
    for (const auto& r : removed) {
      if (r.entry.id == k.entry.id) {
        k.entry = r.entry;
        k.removed_now = r.removed_now;
        k.not_yet = r.not_yet;
      }
    }
  }
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
