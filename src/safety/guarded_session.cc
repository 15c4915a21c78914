#include "src/safety/guarded_session.h"

#include <utility>

#include "src/safety/es9p_https.h"

#ifndef ESIMCTL_VERSION
#define ESIMCTL_VERSION "0.0.0"
#endif

namespace esim {

Result<std::unique_ptr<NotificationJournal>> OpenNotificationJournal(const std::string& path) {
  std::string at = path;
  if (at.empty()) {
    auto default_path = NotificationJournal::DefaultPath();
    if (!default_path.ok()) {
      return Status(ErrorCode::kJournalUnavailable,
                    "notification journal: " + default_path.status().message() + " (use --journal PATH)");
    }
    at = *default_path;
  }
  auto journal = NotificationJournal::Open(at);
  if (!journal.ok()) {
    // The journal's messages already name it and its path.
    return Status(ErrorCode::kJournalUnavailable, journal.status().message());
  }
  return journal;
}

Result<std::unique_ptr<HandleNotificationClient>> CreateDeliveryClient(DeliveryOptions options) {
  options.user_agent = std::string("esimctl/") + ESIMCTL_VERSION;
  return HandleNotificationClient::Create(std::move(options));
}

Result<std::unique_ptr<GuardedSession>> GuardedSession::Open(const GuardedSessionOptions& options) {
  auto guarded = std::make_unique<GuardedSession>(Key{});
  if (!options.dry_run) {
    // Before the card is touched: a journal that cannot take a commit stops everything here.
    auto journal = OpenNotificationJournal(options.journal_path);
    if (!journal.ok()) {
      return Status(journal.status().code(), journal.status().message() + "; nothing was sent to the card");
    }
    guarded->journal_ = std::move(*journal);
    if (Status s = guarded->journal_->CheckWritable(); !s.ok()) {
      return Status(ErrorCode::kJournalUnavailable, s.message() + "; nothing was sent to the card");
    }
    if (options.deliver) {
      ESIM_ASSIGN_OR_RETURN(guarded->client_, CreateDeliveryClient(options.delivery));
    }
  }
  ESIM_ASSIGN_OR_RETURN(guarded->card_, CardSession::Open(options.card));
  ESIM_ASSIGN_OR_RETURN(guarded->eid_, guarded->card_->es10().GetEid());
  if (guarded->client_) {
    // The card's CI list is read only if a server's chain is refused without it (ci_trust.h): a
    // delivery the other trusted CAs cover adds no APDU to the command (tests/bench/apdu-budget.md).
    guarded->client_->SetCardCiSource([card = guarded->card_.get()]() -> Result<CardCiList> {
      ESIM_ASSIGN_OR_RETURN(Bytes info1, card->es10().GetEuiccInfo1Der());
      return CardCiListFromEuiccInfo1(info1);
    });
  }
  if (guarded->journal_) {
    guarded->keeper_ = std::make_unique<NotificationKeeper>(guarded->card_.get(), *guarded->journal_,
                                                            guarded->client_.get(), WallClockMs);
    guarded->context_ = std::make_unique<GuardedContext>(
        GuardedContext{*guarded->card_, *guarded->journal_, *guarded->keeper_, guarded->eid_, -1});
    if (guarded->client_ && HasUnfinishedDownloads(*guarded->journal_)) {
      HandleNotificationClient* client = guarded->client_.get();
      ESIM_ASSIGN_OR_RETURN(guarded->recovered_,
                            RecoverDownloads(*guarded->card_, guarded->eid_, *guarded->journal_, *guarded->keeper_,
                                             [client](const std::string& address) {
                                               return std::unique_ptr<es9p::Es9PlusServer>(
                                                   std::make_unique<Es9PlusHttps>(*client, address));
                                             }));
    }
  }
  return guarded;
}

}  // namespace esim
