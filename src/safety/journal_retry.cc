#include "src/safety/journal_retry.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

namespace esim {

namespace {

bool OnCardAfterAcceptance(const JournalEntry& e) { return e.accepted_at_ms && !e.removed_at_ms; }

}  // namespace

Result<RetryReceipt> RetryFromJournal(NotificationJournal& journal, HandleNotificationClient& client,
                                      const CardOpener& open_card, const KeeperProgress& progress) {
  auto pending = journal.List(true);
  if (!pending.ok()) return JournalFailure(pending.status());

  // 1. Deliver, from the journal alone.
  NotificationKeeper offline(nullptr, journal, &client, WallClockMs);
  ESIM_ASSIGN_OR_RETURN(auto delivered, offline.Settle(*pending, std::nullopt, progress));

  // 2. Remove the accepted ones from the card, if their card is here.
  std::vector<JournalEntry> to_remove;
  for (const auto& k : delivered) {
    if (OnCardAfterAcceptance(k.entry)) to_remove.push_back(k.entry);
  }
  RetryReceipt receipt;
  std::vector<KeptNotification> removed;
  if (!to_remove.empty()) {
    auto session = open_card();
    Result<std::string> eid = session.ok() ? (*session)->es10().GetEid() : Result<std::string>(session.status());
    if (!eid.ok()) {
      receipt.card_unavailable = eid.status();
    } else {
      std::vector<JournalEntry> here;
      std::copy_if(to_remove.begin(), to_remove.end(), std::back_inserter(here),
                   [&](const JournalEntry& e) { return e.record.eid == *eid; });
      NotificationKeeper on_card(session->get(), journal, nullptr, WallClockMs);
      ESIM_ASSIGN_OR_RETURN(removed, on_card.Settle(here, *eid));
      receipt.on_other_cards = to_remove.size() - here.size();
    }
  }
  // Each notification once, in its final state.
  receipt.notifications = std::move(delivered);
  for (auto& k : receipt.notifications) {
    for (const auto& r : removed) {
      if (r.entry.id == k.entry.id) {
        k.entry = r.entry;
        k.removed_now = r.removed_now;
        k.not_yet = r.not_yet;
      }
    }
  }
  return receipt;
}

}  // namespace esim
