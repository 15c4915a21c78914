// eUICC-wide operations: memory reset and the default SM-DP+ address.
#pragma once

#include <string>

#include "asn1/messages.h"
#include "common/status.h"
#include "src/session/card_session.h"

namespace esim {

// eUICCMemoryReset with `options` (at least one option set; the caller checks).
Status ResetMemory(CardSession& session, const es10::EuiccMemoryResetRequest& options);
// Sets the default SM-DP+ address; an empty address clears it.
Status SetDefaultSmdp(CardSession& session, const std::string& address);

}  // namespace esim
