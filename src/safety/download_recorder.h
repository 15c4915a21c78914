// JournalDownloadRecorder: the download's steps committed to the journal as they happen.
//
// The download flow (src/ops/download.h) reports each step through DownloadRecorder; this
// implementation commits it to the operation's `downloads` row before the flow sends its next
// request, then passes the step's crash point (ESIMCTL_CRASH_AT=download-<step>, crash_point.h)
// so the fault-injection suite can kill esimctl right after each commit. What a kill leaves is
// then always on disk for RecoverDownloads (download_recovery.h). The matching ID is kept only
// as MatchingIdSha256. Not thread-safe: one per download, on the download's thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "src/ops/download.h"
#include "src/safety/notification_journal.h"

namespace esim {

// Lower-case hex SHA-256 of the matching ID's UTF-8 bytes: what the journal keeps of it.
std::string MatchingIdSha256(const std::string& matching_id);

class JournalDownloadRecorder : public DownloadRecorder {
 public:
  // Records into download `operation_id` of `journal` (which must outlive the recorder), whose
  // row Start() creates.
  JournalDownloadRecorder(NotificationJournal& journal, int64_t operation_id)
      : journal_(journal), operation_id_(operation_id) {}

  // Commits the download's row: SM-DP+ address and the matching ID's hash (step "started").
  Status Start(const std::string& smdp_address, const std::optional<std::string>& matching_id);

  Status Authenticated(ByteView transaction_id) override;
  Status ClientAuthenticated(const es10::ProfileInfo& metadata) override;
  Status StepReached(const std::string& step) override;
  void Cancelled(es10::CancelReason reason, const std::string& card_answer, const std::string& server_answer) override;

  // Ends the row after the flow failed with `failure`: finished when nothing is left to do (no
  // session, the SM-DP+ accepted the cancel, or the card itself ended it); otherwise left for
  // recovery with the failure as its result.
  Status Failed(const Status& failure);
  // Ends the row of a download whose profile is on the card and its notification journaled.
  Status Installed(const std::string& result);

  // Whether AuthenticateServer opened a session.
  bool session_opened() const { return session_opened_; }

 private:
  Status Update(const DownloadUpdate& update, const std::string& crash_point);

  NotificationJournal& journal_;
  int64_t operation_id_;
  bool session_opened_ = false;
  bool cancel_accepted_ = false;
};

}  // namespace esim
