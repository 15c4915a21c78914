// Turns an SGP.22 result code into a Status a person understands.
//
// The message names the profile and says what to do next; the ErrorCode picks
// the documented exit code (docs/exit-codes.md). Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "common/status.h"

namespace esim {

// What was attempted, for the wording of the message.
enum class ProfileOperation { kEnable, kDisable, kDelete, kSetNickname };

// OK for result 0; otherwise the error for `result` of `operation` on `profile`
// (a description such as "8999... (Contoso Travel 5GB)") given its `state` when known.
Status ProfileResultStatus(ProfileOperation operation, int64_t result, const std::string& profile,
                           const std::string& iccid_or_aid);
// OK for 0; otherwise the error for an eUICCMemoryReset result.
Status MemoryResetResultStatus(int64_t result);
// OK for 0; otherwise the error for a SetDefaultDpAddress result.
Status SetDefaultDpAddressResultStatus(int64_t result);

}  // namespace esim
