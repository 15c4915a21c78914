#include "src/safety/notification_keeper.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>

#include "src/ops/notifications.h"
#include "src/safety/crash_point.h"

namespace esim {

Status JournalFailure(const Status& status) {
  if (status.ok() || status.code() == ErrorCode::kJournalUnavailable) return status;
  return Status(ErrorCode::kJournalUnavailable,
                status.message() +
                    "; esimctl stopped here, every notification not yet journaled is still on the card");
}

int64_t WallClockMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

NotificationKeeper::NotificationKeeper(CardSession* session, NotificationJournal& journal,
                                       HandleNotificationClient* client,
                                       std::function<int64_t()> now_ms)
    : session_(session), journal_(journal), client_(client), now_ms_(std::move(now_ms)) {}

Result<int64_t> NotificationKeeper::HighestKnownSeq(const std::string& eid) {
  auto journaled = journal_.HighestSeqNumber(eid);
  if (!journaled.ok()) return JournalFailure(journaled.status());
  int64_t highest = *journaled;
  if (session_ != nullptr) {
    ESIM_ASSIGN_OR_RETURN(auto listing, ListNotifications(*session_, false));
    for (const auto& n : listing) highest = std::max(highest, n.metadata.seqNumber);
  }
  return highest;
}

Result<JournalEntry> NotificationKeeper::Journal(const std::string& eid, const es10::PendingNotification& n,
                                                 std::optional<int64_t> operation_id) {
  const es10::NotificationMetadata& m = n.metadata();
  NotificationRecord record{eid,  m.seqNumber, EventText(m.profileManagementOperation), m.iccid,
                            m.notificationAddress, n.der, now_ms_(), operation_id};
  auto id = journal_.RecordNotification(record);
  if (!id.ok()) return JournalFailure(id.status());
  auto entry = journal_.Get(*id);
  if (!entry.ok()) return JournalFailure(entry.status());
  return entry;
}

Result<std::vector<JournalEntry>> NotificationKeeper::CaptureAbove(const std::string& eid, int64_t above,
                                                                   std::optional<int64_t> operation_id) {
  if (session_ == nullptr) return Status(ErrorCode::kInternal, "CaptureAbove without a card");
  ESIM_ASSIGN_OR_RETURN(auto listing, ListNotifications(*session_, false));
  std::vector<int64_t> seqs;
  for (const auto& n : listing) {
    if (n.metadata.seqNumber > above) seqs.push_back(n.metadata.seqNumber);
  }
  std::sort(seqs.begin(), seqs.end());
  std::vector<JournalEntry> entries;
  for (int64_t seq : seqs) {
    ESIM_ASSIGN_OR_RETURN(auto notification, RetrieveNotification(*session_, seq));
    ESIM_ASSIGN_OR_RETURN(auto entry, Journal(eid, notification, operation_id));
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<std::vector<JournalEntry>> NotificationKeeper::CaptureSeqs(const std::string& eid,
                                                                  const std::vector<int64_t>& seqs) {
  if (session_ == nullptr) return Status(ErrorCode::kInternal, "CaptureSeqs without a card");
  ESIM_ASSIGN_OR_RETURN(auto listing, ListNotifications(*session_, false));
  std::vector<int64_t> listed;
  for (const auto& n : listing) listed.push_back(n.metadata.seqNumber);
  std::vector<int64_t> wanted = seqs;
  if (wanted.empty()) {
    wanted = listed;
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  }
  return CaptureListed(eid, wanted, listed);
}

Result<std::vector<JournalEntry>> NotificationKeeper::CaptureListed(const std::string& eid,
                                                                    const std::vector<int64_t>& seqs,
                                                                    const std::vector<int64_t>& listed) {
  if (session_ == nullptr) return Status(ErrorCode::kInternal, "CaptureListed without a card");
  const std::set<int64_t> on_card(listed.begin(), listed.end());
  std::vector<JournalEntry> entries;
  for (int64_t seq : seqs) {
    if (on_card.count(seq) == 0) {
      // Gone from the card: fine if the journal has it (then it is settled from there).
      auto journaled = journal_.Find(eid, seq);
      if (!journaled.ok()) return JournalFailure(journaled.status());
      if (!*journaled) {
        return Status(ErrorCode::kNothingToDelete, "no notification with seqNumber " + std::to_string(seq) +
                                                       " on the card or in the journal");
      }
      entries.push_back(std::move(**journaled));
      continue;
    }
    ESIM_ASSIGN_OR_RETURN(auto notification, RetrieveNotification(*session_, seq));
    ESIM_ASSIGN_OR_RETURN(auto entry, Journal(eid, notification, std::nullopt));
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<KeptNotification> NotificationKeeper::SettleOne(const JournalEntry& entry,
                                                       const std::optional<std::string>& card_eid) {
  KeptNotification kept{entry, false, false, std::nullopt};
  const int64_t id = entry.id;
  if (!entry.accepted_at_ms) {
    if (client_ == nullptr) {
      kept.not_yet = "delivery not attempted (--no-notify)";
      return kept;
    }
    ESIM_ASSIGN_OR_RETURN(
        auto outcome, client_->Deliver(entry.record.address, entry.record.der,
                                       [&](const DeliveryAttempt& attempt) {
                                         return JournalFailure(journal_.RecordDeliveryAttempt(id, attempt));
                                       }));
    if (!outcome.accepted) {
      kept.not_yet = outcome.reason;
    } else {
      const int64_t accepted_at = outcome.attempts.back().attempted_at_ms +
                                  outcome.attempts.back().duration_ms;
      ESIM_RETURN_IF_ERROR(JournalFailure(journal_.MarkAccepted(id, accepted_at)));
      kept.delivered_now = true;
      CrashPoint("after-acceptance");
    }
  }
  const bool accepted = kept.delivered_now || entry.accepted_at_ms.has_value();
  const bool on_this_card = session_ != nullptr && card_eid && *card_eid == entry.record.eid;
  if (accepted && !entry.removed_at_ms && on_this_card) {
    Status removed = RemoveNotification(*session_, entry.record.seq_number);
    // Already gone (another tool removed it) is as good as removed now.
    if (!removed.ok() && removed.code() != ErrorCode::kNothingToDelete) {
      kept.not_yet = "accepted, but removing it from the card failed: " + removed.message();
    } else {
      ESIM_RETURN_IF_ERROR(JournalFailure(journal_.MarkRemovedFromCard(id, now_ms_())));
      kept.removed_now = removed.ok();
    }
  } else if (accepted && !entry.removed_at_ms) {
    kept.not_yet = "it is removed the next time the card is present";
  }
  auto refreshed = journal_.Get(id);
  if (!refreshed.ok()) return JournalFailure(refreshed.status());
  kept.entry = std::move(*refreshed);
  return kept;
}

Result<std::vector<KeptNotification>> NotificationKeeper::Settle(const std::vector<JournalEntry>& entries,
                                                                 const std::optional<std::string>& card_eid,
                                                                 const KeeperProgress& progress) {
  std::vector<KeptNotification> results;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (progress) progress(i + 1, entries.size(), entries[i]);
    ESIM_ASSIGN_OR_RETURN(auto kept, SettleOne(entries[i], card_eid));
    results.push_back(std::move(kept));
  }
  return results;
}

}  // namespace esim
