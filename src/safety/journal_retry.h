// RetryFromJournal: `journal retry`, the delivery of journaled notifications with or without
// their card.
//
// The journal holds each notification's signed bytes, so delivery needs no card: every
// undelivered notification is delivered from the journal alone (acceptance committed as it
// comes). Removal from the card (NotificationSent) does need it: only when some accepted
// notification is still on a card is a card opened, and only the notifications of that card's
// EID are removed from it, each after its acceptance is on disk (NotificationKeeper's order).
// No card is not an error: those notifications are removed on a later run.
// Not thread-safe: one retry per journal at a time in this process.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "common/status.h"
#include "src/safety/handle_notification_client.h"
#include "src/safety/notification_journal.h"
#include "src/safety/notification_keeper.h"
#include "src/session/card_session.h"

namespace esim {

// What a retry did.
struct RetryReceipt {
  // Every notification the run looked at, once each, in its final state.
  std::vector<KeptNotification> notifications;
  // Why no card could be used to remove the accepted notifications still on one (unset: a card
  // was used, or none was needed).
  std::optional<Status> card_unavailable;
  // Accepted notifications still on a card other than the one present.
  size_t on_other_cards = 0;
};

// Opens the card to remove accepted notifications from, when one is needed.
using CardOpener = std::function<Result<std::unique_ptr<CardSession>>()>;

// Runs the retry (see the file comment). Fails only when the journal cannot be read or written
// (kJournalUnavailable); delivery failures are in the receipt.
Result<RetryReceipt> RetryFromJournal(NotificationJournal& journal, HandleNotificationClient& client,
                                      const CardOpener& open_card, const KeeperProgress& progress = {});

}  // namespace esim
