// ES10b: eUICC information and notifications.
#include "src/es10/es10_call.h"

namespace esim {

Result<es10::EuiccInfo1> Es10Client::GetEuiccInfo1() {
  return Call<es10::EuiccInfo1>(es10::GetEuiccInfo1Request{});
}

Result<es10::EuiccInfo2> Es10Client::GetEuiccInfo2() {
  return Call<es10::EuiccInfo2>(es10::GetEuiccInfo2Request{});
}

Result<es10::ListNotificationResponse> Es10Client::ListNotification(
    std::optional<es10::NotificationEvents> events) {
  return Call<es10::ListNotificationResponse>(es10::ListNotificationRequest{events});
}

}  // namespace esim

namespace esim {

Result<es10::RetrieveNotificationsListResponse> Es10Client::RetrieveNotificationsList(
    std::optional<int64_t> seq_number) {
  es10::RetrieveNotificationsListRequest request;
  if (seq_number) request.searchCriteria = *seq_number;
  return Call<es10::RetrieveNotificationsListResponse>(request);
}

Result<int64_t> Es10Client::RemoveNotificationFromList(int64_t seq_number) {
  ESIM_ASSIGN_OR_RETURN(auto response,
                        Call<es10::NotificationSentResponse>(es10::NotificationSentRequest{seq_number}));
  return response.deleteNotificationStatus;
}

}  // namespace esim
