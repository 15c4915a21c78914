// Reading the card's signed pending notifications for `notification dump`: a copy for the user,
// outside the journal. Read-only (no NotificationSent); not thread-safe (one CardSession).
#pragma once

#include <cstdint>
#include <vector>

#include "asn1/messages.h"
#include "common/status.h"
#include "src/session/card_session.h"

namespace esim {

// Every pending notification, with the exact DER the card sent: one RetrieveNotificationsList
// without search criteria (noResultAvailable: none).
Result<std::vector<es10::PendingNotification>> RetrieveAllNotifications(CardSession& session);

// Notifications `seq_numbers`, in that order, one RetrieveNotificationsList each; an unknown
// seqNumber fails the whole read (kNothingToDelete, as `notification show`).
Result<std::vector<es10::PendingNotification>> RetrieveNotifications(CardSession& session,
                                                                     const std::vector<int64_t>& seq_numbers);

}  // namespace esim
