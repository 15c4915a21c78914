// ApplyChange: sends one state-changing ES10 request through the operation that owns it.
//
// A change plan (src/safety/change_plan.h) holds these requests; the safety pipeline sends each
// with ApplyChange and --dry-run encodes the very same values with PlanChangeApdus, so what the
// plan shows is what is sent. Each kind keeps its operation's behaviour: enable/disable look
// at the card again after a lost answer or a 91xx, and every card result code becomes a Status
// that names the profile and the next step. Not thread-safe (one CardSession per thread).
#pragma once

#include <cstdint>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "src/es10/es10_client.h"
#include "src/session/card_session.h"

namespace esim {

// A state-changing ES10 request (EnableProfile, DisableProfile, DeleteProfile, SetNickname,
// eUICCMemoryReset, SetDefaultDpAddress, NotificationSent).
using ChangeRequest = Es10Client::ChangeRequest;

// How a change was confirmed by the card.
struct AppliedChange {
  // True when the answer was lost or was 91xx and a fresh profile list confirmed the change.
  bool verified_by_listing = false;
  uint16_t status_word = 0x9000;  // the status word that ended the command (0: no answer)
};

// Sends `request` (one ES10 command; more exchanges only to verify or name a profile on
// failure) and maps the card's result code to a Status.
Result<AppliedChange> ApplyChange(CardSession& session, const ChangeRequest& request);

// The STORE DATA APDUs that ApplyChange(request) would transmit first; sends nothing.
Result<std::vector<Bytes>> PlanChangeApdus(CardSession& session, const ChangeRequest& request);

}  // namespace esim
