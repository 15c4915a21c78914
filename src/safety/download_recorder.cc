#include "src/safety/download_recorder.h"

#include "common/crypto_library.h"
#include "src/safety/crash_point.h"
#include "src/safety/notification_keeper.h"

namespace esim {

std::string MatchingIdSha256(const std::string& matching_id) {
  const CryptoLibrary& crypto = Crypto();
  Bytes digest(32);
  unsigned int size = 0;
  crypto.EVP_Digest(matching_id.data(), matching_id.size(), digest.data(), &size, crypto.EVP_sha256(), nullptr);
  std::string hex = ToHex(digest);
  for (char& c : hex) {
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  }
  return hex;
}

Status JournalDownloadRecorder::Start(const std::string& smdp_address, const std::optional<std::string>& matching_id) {
  std::optional<std::string> hash;
  if (matching_id) hash = MatchingIdSha256(*matching_id);
  ESIM_RETURN_IF_ERROR(JournalFailure(journal_.BeginDownload(operation_id_, smdp_address, hash, WallClockMs())));
  CrashPoint("download-started");
  return Status::Ok();
}

Status JournalDownloadRecorder::Update(const DownloadUpdate& update, const std::string& crash_point) {
  ESIM_RETURN_IF_ERROR(JournalFailure(journal_.UpdateDownload(operation_id_, update, WallClockMs())));
  CrashPoint(crash_point);
  return Status::Ok();
}

Status JournalDownloadRecorder::Authenticated(ByteView transaction_id) {
  session_opened_ = true;
  DownloadUpdate update;
  update.step = "authenticated";
  update.transaction_id = ToHex(transaction_id);
  return Update(update, "download-authenticated");
}

Status JournalDownloadRecorder::ClientAuthenticated(const es10::ProfileInfo& metadata) {
  DownloadUpdate update;
  update.step = "client-authenticated";
  update.iccid = metadata.iccid;
  update.provider_name = metadata.serviceProviderName;
  update.profile_name = metadata.profileName;
  return Update(update, "download-client-authenticated");
}

Status JournalDownloadRecorder::StepReached(const std::string& step) {
  DownloadUpdate update;
  update.step = step;
  // One crash point for the whole load: after its second STORE DATA sequence (the card then
  // holds a started, unfinished load).
  const std::string point = step.rfind("loading 2/", 0) == 0 ? "download-loading"
                            : step.rfind("loading ", 0) == 0 ? ""
                                                             : "download-" + step;
  return Update(update, point);
}

void JournalDownloadRecorder::Cancelled(es10::CancelReason reason, const std::string& card_answer,
                                        const std::string& server_answer) {
  cancel_accepted_ = server_answer == "accepted";
  DownloadUpdate update;
  update.cancel_reason = static_cast<int64_t>(reason);
  update.card_cancel_answer = card_answer;
  update.server_cancel_answer = server_answer;
  // Best effort: the failure that led to the cancel is what the user sees; Failed() commits next.
  (void)journal_.UpdateDownload(operation_id_, update, WallClockMs());
}

Status JournalDownloadRecorder::Failed(const Status& failure) {
  DownloadUpdate update;
  update.result = "failed: " + failure.message();
  // The card ended the session itself: its refusal went to the SM-DP+ in the next ES9+ call, or
  // its BF37 (journaled as the install notification) tells the SM-DP+.
  const bool card_ended = failure.code() == ErrorCode::kCardRefusedServer ||
                          failure.code() == ErrorCode::kInstallFailed ||
                          failure.code() == ErrorCode::kIccidAlreadyInstalled ||
                          failure.code() == ErrorCode::kNotEnoughMemory;
  if (!session_opened_ || cancel_accepted_ || card_ended) {
    return JournalFailure(journal_.FinishDownload(operation_id_, update, WallClockMs()));
  }
  return JournalFailure(journal_.UpdateDownload(operation_id_, update, WallClockMs()));
}

Status JournalDownloadRecorder::Installed(const std::string& result) {
  DownloadUpdate update;
  update.step = "installed";
  update.result = result;
  return JournalFailure(journal_.FinishDownload(operation_id_, update, WallClockMs()));
}

}  // namespace esim
