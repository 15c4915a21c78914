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
