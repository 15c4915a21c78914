#include "common/exit_codes.h"

namespace esim {

int ExitCodeFor(ErrorCode code) {
  // Grouped by where the problem is: 2-9 the command line and local files,
  // 10-19 the reader stack, 20-29 the card's answers, 30-39
  // the SGP.22 result codes of a command the card executed, 40-49
  // notification delivery, 50-59 profile download. Never renumber.
  switch (code) {
    case ErrorCode::kOk: return 0;
    case ErrorCode::kInternal: return 1;
    case ErrorCode::kUsage: return 2;
    case ErrorCode::kInvalidInput: return 3;
    case ErrorCode::kIo: return 4;
    case ErrorCode::kConfirmationRequired: return 5;
    case ErrorCode::kNotConfirmed: return 6;
    case ErrorCode::kJournalUnavailable: return 7;
    case ErrorCode::kNoService: return 10;
    case ErrorCode::kNoReader: return 11;
    case ErrorCode::kReaderNotFound: return 12;
    case ErrorCode::kNoCard: return 13;
    case ErrorCode::kCardRemoved: return 14;
    case ErrorCode::kReaderBusy: return 15;
    case ErrorCode::kReaderError: return 16;
    case ErrorCode::kNotEuicc: return 20;
    case ErrorCode::kCardStatus: return 21;
    case ErrorCode::kMalformedResponse: return 22;
    case ErrorCode::kEs10Result: return 23;
    case ErrorCode::kProfileNotFound: return 30;
    case ErrorCode::kWrongProfileState: return 31;
    case ErrorCode::kDisallowedByPolicy: return 32;
    case ErrorCode::kWrongProfileReenabling: return 33;
    case ErrorCode::kCatBusy: return 34;
    case ErrorCode::kNothingToDelete: return 35;
    case ErrorCode::kCardUndefinedError: return 36;
    case ErrorCode::kNotificationPending: return 40;
    case ErrorCode::kServerUnreachable: return 50;
    case ErrorCode::kServerRefused: return 51;
    case ErrorCode::kServerAnswerInvalid: return 52;
    case ErrorCode::kCardRefusedServer: return 53;
    case ErrorCode::kInstallFailed: return 54;
    case ErrorCode::kIccidAlreadyInstalled: return 55;
    case ErrorCode::kNotEnoughMemory: return 56;
    case ErrorCode::kConfirmationCodeRequired: return 57;
    case ErrorCode::kServerNotTrusted: return 58;
  }
  return 1;
}

}  // namespace esim
