#include "src/ops/result_codes.h"

namespace esim {

namespace {

const char* Verb(ProfileOperation operation) {
  switch (operation) {
    case ProfileOperation::kEnable: return "enable";
    case ProfileOperation::kDisable: return "disable";
    case ProfileOperation::kDelete: return "delete";
    case ProfileOperation::kSetNickname: return "rename";
  }
  return "change";
}

Status CommonResult(int64_t result, const std::string& what) {
  switch (result) {
    case 5:
      return Status(ErrorCode::kCatBusy,
                    what + ": the card's toolkit is busy (catBusy); try again in a moment");
    case 127:
      return Status(ErrorCode::kCardUndefinedError,
                    what + ": the card reported an undefined error (127); nothing is known to have "
                           "changed. Try again; if it persists, attach --trace output to a report");
    default:
      return Status(ErrorCode::kEs10Result, what + ": the card answered result code " +
                                                std::to_string(result) + ", which SGP.22 does not define");
  }
}

}  // namespace

Status ProfileResultStatus(ProfileOperation operation, int64_t result, const std::string& profile,
                           const std::string& id) {
  if (result == 0) return Status::Ok();
  const std::string what = std::string("cannot ") + Verb(operation) + " profile " + profile;
  switch (result) {
    case 1:
      return Status(ErrorCode::kProfileNotFound,
                    what + ": the card has no profile with that " +
                        (operation == ProfileOperation::kSetNickname ? "ICCID" : "ICCID or ISD-P AID") +
                        ". 'esimctl profile list' shows the profiles on the card");
    case 2:
      switch (operation) {
        case ProfileOperation::kEnable:
          return Status(ErrorCode::kWrongProfileState, what + ": it is already enabled");
        case ProfileOperation::kDisable:
          return Status(ErrorCode::kWrongProfileState, what + ": it is not enabled (already disabled)");
        case ProfileOperation::kDelete:
          return Status(ErrorCode::kWrongProfileState,
                        what + ": it is enabled, so it cannot be deleted. Disable it first: "
                               "esimctl profile disable " + id);
        case ProfileOperation::kSetNickname:
          break;
      }
      break;
    case 3:
      return Status(ErrorCode::kDisallowedByPolicy,
                    what + ": its profile policy rules forbid it (" +
                        (operation == ProfileOperation::kDelete ? "PPR2: deletion not allowed"
                                                                : "PPR1: disabling not allowed") +
                        "). Only the carrier can lift the rule");
    case 4:
      if (operation == ProfileOperation::kEnable) {
        return Status(ErrorCode::kWrongProfileReenabling,
                      what + ": the card refuses to re-enable it (wrongProfileReenabling)");
      }
      break;
    default:
      break;
  }
  return CommonResult(result, what);
}

Status MemoryResetResultStatus(int64_t result) {
  if (result == 0) return Status::Ok();
  if (result == 1) {
    return Status(ErrorCode::kNothingToDelete,
                  "memory reset: nothing to delete (no profile or address matched the options)");
  }
  return CommonResult(result, "memory reset failed");
}

Status SetDefaultDpAddressResultStatus(int64_t result) {
  if (result == 0) return Status::Ok();
  return CommonResult(result, "cannot set the default SM-DP+ address");
}

}  // namespace esim
