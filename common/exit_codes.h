// Exit codes of esimctl: one per ErrorCode, stable, documented in docs/exit-codes.md.
#pragma once

#include "common/status.h"

namespace esim {

// The process exit code for `code` (0 for kOk).
int ExitCodeFor(ErrorCode code);

}  // namespace esim
