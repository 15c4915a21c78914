#include "common/status.h"

namespace esim {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kUsage: return "usage";
    case ErrorCode::kInvalidInput: return "invalid_input";
    case ErrorCode::kNoService: return "pcscd_not_running";
    case ErrorCode::kNoReader: return "no_reader";
    case ErrorCode::kReaderNotFound: return "reader_not_found";
    case ErrorCode::kNoCard: return "no_card";
    case ErrorCode::kCardRemoved: return "card_removed";
    case ErrorCode::kReaderBusy: return "reader_busy";
    case ErrorCode::kReaderError: return "reader_error";
    case ErrorCode::kNotEuicc: return "not_euicc";
    case ErrorCode::kCardStatus: return "card_status";
    case ErrorCode::kMalformedResponse: return "malformed_response";
    case ErrorCode::kEs10Result: return "es10_result";
    case ErrorCode::kProfileNotFound: return "profile_not_found";
    case ErrorCode::kWrongProfileState: return "wrong_profile_state";
    case ErrorCode::kDisallowedByPolicy: return "disallowed_by_policy";
    case ErrorCode::kWrongProfileReenabling: return "wrong_profile_reenabling";
    case ErrorCode::kCatBusy: return "cat_busy";
    case ErrorCode::kNothingToDelete: return "nothing_to_delete";
    case ErrorCode::kCardUndefinedError: return "card_undefined_error";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kConfirmationRequired: return "confirmation_required";
    case ErrorCode::kNotConfirmed: return "not_confirmed";
    case ErrorCode::kJournalUnavailable: return "journal_unavailable";
    case ErrorCode::kNotificationPending: return "notification_pending";
    case ErrorCode::kServerUnreachable: return "server_unreachable";
    case ErrorCode::kServerRefused: return "server_refused";
    case ErrorCode::kServerAnswerInvalid: return "server_answer_invalid";
    case ErrorCode::kCardRefusedServer: return "card_refused_server";
    case ErrorCode::kInstallFailed: return "install_failed";
    case ErrorCode::kIccidAlreadyInstalled: return "iccid_already_installed";
    case ErrorCode::kNotEnoughMemory: return "not_enough_memory";
    case ErrorCode::kConfirmationCodeRequired: return "confirmation_code_required";
    case ErrorCode::kServerNotTrusted: return "server_not_trusted";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace esim
