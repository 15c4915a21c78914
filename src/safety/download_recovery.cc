#include "src/safety/download_recovery.h"

#include "src/ops/download.h"

namespace esim {
namespace {

// The operation a kill left without its outcome gets one once its download is finished.
void FinishKilledOperation(NotificationJournal& journal, const RecoveredDownload& done) {
  if (!done.entry.finished()) return;
  auto operation = journal.GetOperation(done.entry.operation_id);
  if (!operation.ok() || operation->finished_at_ms) return;
  (void)journal.FinishOperation(done.entry.operation_id, done.entry.step == "installed" ? 0 : -1,
                                "interrupted; recovered: " + done.action, WallClockMs());
}

bool LoadStarted(const DownloadEntry& d) { return d.step.rfind("loading", 0) == 0 || d.step == "loaded"; }

// Journals every notification on the card and settles the install ones; a note in words.
Result<std::string> SettleCardNotifications(NotificationKeeper& keeper, const std::string& eid) {
  auto captured = keeper.CaptureSeqs(eid, {});
  if (!captured.ok()) {
    if (captured.status().code() == ErrorCode::kJournalUnavailable) return captured.status();
    return "the card's notifications could not be read (" + captured.status().message() + ")";
  }
  // Only install results are the download's business: the others stay journaled, for the command
  // (or `notification process`) that was asked to handle them.
  std::vector<JournalEntry> installs;
  for (const auto& e : *captured) {
    if (e.record.event == "install") installs.push_back(e);
  }
  if (installs.empty()) return std::string("no install notification on the card");
  ESIM_ASSIGN_OR_RETURN(std::vector<KeptNotification> kept, keeper.Settle(installs, eid));
  size_t accepted = 0;
  for (const auto& k : kept) {
    if (k.entry.accepted_at_ms) ++accepted;
  }
  return std::to_string(installs.size()) + " install notification(s) journaled, " + std::to_string(accepted) +
         " accepted by their SM-DP+";
}

Result<RecoveredDownload> RecoverOne(CardSession& card, const std::string& eid, NotificationJournal& journal,
                                     NotificationKeeper& keeper, const Es9PlusFactory& server_for,
                                     const DownloadEntry& download) {
  RecoveredDownload out;
  const int64_t id = download.operation_id;
  ESIM_ASSIGN_OR_RETURN(std::string notes, SettleCardNotifications(keeper, eid));
  Es10DownloadCard download_card(card);
  if (download.iccid) {
    Result<bool> there = download_card.HasProfile(*download.iccid);
    if (!there.ok()) {
      out.action = "the card's profiles could not be listed (" + there.status().message() + "); tried again next run";
      ESIM_ASSIGN_OR_RETURN(auto now, journal.GetDownload(id));
      out.entry = now.value_or(download);
      return out;
    }
    if (*there) {
      DownloadUpdate update;
      update.step = "installed";
      update.result = "installed (found on the card by recovery); " + notes;
      ESIM_RETURN_IF_ERROR(JournalFailure(journal.FinishDownload(id, update, WallClockMs())));
      out.action = "profile " + *download.iccid + " is on the card; " + notes;
      ESIM_ASSIGN_OR_RETURN(auto now, journal.GetDownload(id));
      out.entry = now.value_or(download);
      FinishKilledOperation(journal, out);
      return out;
    }
  }
  Result<Bytes> transaction_id = FromHex(download.transaction_id.value_or(""));
  if (!download.transaction_id || !transaction_id.ok() || transaction_id->empty()) {
    DownloadUpdate update;
    update.result = "nothing was installed: killed before a session existed";
    ESIM_RETURN_IF_ERROR(JournalFailure(journal.FinishDownload(id, update, WallClockMs())));
    out.action = "no session had been opened; nothing to cancel";
  } else {
    const bool load_started = LoadStarted(download);
    const es10::CancelReason reason =
        load_started ? es10::CancelReason::kLoadBppExecutionError : es10::CancelReason::kPostponed;
    std::unique_ptr<es9p::Es9PlusServer> server = server_for(download.smdp_address);
    CancelOutcome cancelled = CancelDownloadSession(download_card, *server, *transaction_id, reason);
    DownloadUpdate update;
    update.cancel_reason = static_cast<int64_t>(reason);
    update.card_cancel_answer = cancelled.card_answer;
    update.server_cancel_answer = cancelled.server_answer;
    const std::string reason_name = load_started ? "loadBppExecutionError (5)" : "postponed (1)";
    out.action = "profile not on the card; session cancelled with " + reason_name + ": card " +
                 cancelled.card_answer + ", SM-DP+ " + cancelled.server_answer + "; " + notes;
    if (download.step == "bpp-received" && cancelled.card_answer.rfind("error", 0) == 0) {
      // The SM-DP+ built the package; without the card's signed cancel it cannot tell why the
      // session ended, so it may keep the order as downloaded (SGP.22 leaves that to it).
      out.action += "; the SM-DP+ had built the package: if the activation code no longer works, ask the carrier "
                    "to release the order again";
    }
    if (cancelled.status.ok() || load_started) {
      update.result = "not installed; recovery cancelled the session (" + reason_name + ")";
      ESIM_RETURN_IF_ERROR(JournalFailure(journal.FinishDownload(id, update, WallClockMs())));
    } else {
      ESIM_RETURN_IF_ERROR(JournalFailure(journal.UpdateDownload(id, update, WallClockMs())));
      out.action += "; tried again next run";
    }
  }
  ESIM_ASSIGN_OR_RETURN(auto now, journal.GetDownload(id));
  out.entry = now.value_or(download);
  FinishKilledOperation(journal, out);
  return out;
}

}  // namespace

bool HasUnfinishedDownloads(NotificationJournal& journal) {
  auto open = journal.ListDownloads(true);
  return open.ok() && !open->empty();
}

Result<std::vector<RecoveredDownload>> RecoverDownloads(CardSession& card, const std::string& eid,
                                                        NotificationJournal& journal, NotificationKeeper& keeper,
                                                        const Es9PlusFactory& server_for) {
  auto open = journal.ListDownloads(true);
  if (!open.ok()) return JournalFailure(open.status());
  std::vector<RecoveredDownload> recovered;
  for (const DownloadEntry& download : *open) {
    auto operation = journal.GetOperation(download.operation_id);
    if (!operation.ok()) return JournalFailure(operation.status());
    if (operation->record.eid != eid) continue;  // another card's: recovered when it is present
    ESIM_ASSIGN_OR_RETURN(RecoveredDownload done, RecoverOne(card, eid, journal, keeper, server_for, download));
    recovered.push_back(std::move(done));
  }
  return recovered;
}

}  // namespace esim
