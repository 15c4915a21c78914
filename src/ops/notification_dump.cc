#include "src/ops/notification_dump.h"

#include "asn1/json.h"
#include "src/ops/notifications.h"

namespace esim {

Result<std::vector<es10::PendingNotification>> RetrieveAllNotifications(CardSession& session) {
  ESIM_ASSIGN_OR_RETURN(auto response, session.es10().RetrieveNotificationsList());
  if (response.notificationsListResultError) {
    const int64_t code = *response.notificationsListResultError;
    if (code == 1) return std::vector<es10::PendingNotification>{};  // noResultAvailable: none pending
    return Status(code == 127 ? ErrorCode::kCardUndefinedError : ErrorCode::kEs10Result,
                  "the eUICC refused to return its notifications (" + es10::ResultCodeName(0xBF2B, code) + ")");
  }
  if (!response.notificationList) {
    return Status(ErrorCode::kMalformedResponse, "RetrieveNotificationsList answer holds neither list nor error");
  }
  return std::move(*response.notificationList);
}

Result<std::vector<es10::PendingNotification>> RetrieveNotifications(CardSession& session,
                                                                     const std::vector<int64_t>& seq_numbers) {
  std::vector<es10::PendingNotification> out;
  for (int64_t seq : seq_numbers) {
    ESIM_ASSIGN_OR_RETURN(es10::PendingNotification notification, RetrieveNotification(session, seq));
    out.push_back(std::move(notification));
  }
  return out;
}

}  // namespace esim
