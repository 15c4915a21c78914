// PLACEHOLDER (being written by a helper).
#include "src/safety/handle_notification_client.h"

namespace esim {

struct HandleNotificationClient::Impl {
  DeliveryOptions options;
};

HandleNotificationClient::HandleNotificationClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HandleNotificationClient::~HandleNotificationClient() = default;

Result<std::unique_ptr<HandleNotificationClient>> HandleNotificationClient::Create(DeliveryOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  return std::unique_ptr<HandleNotificationClient>(new HandleNotificationClient(std::move(impl)));
}

Result<std::string> HandleNotificationClient::UrlFor(const std::string& address) {
  return "https://" + address + "/gsma/rsp2/es9plus/handleNotification";
}

DeliveryAttempt HandleNotificationClient::PostOnce(const std::string& address, ByteView) {
  DeliveryAttempt a;
  a.url = address;
  a.transport_error = "not implemented";
  return a;
}

Result<DeliveryOutcome> HandleNotificationClient::Deliver(
    const std::string& address, ByteView der, const std::function<Status(const DeliveryAttempt&)>& on_attempt) {
  DeliveryOutcome outcome;
  outcome.attempts.push_back(PostOnce(address, der));
  ESIM_RETURN_IF_ERROR(on_attempt(outcome.attempts.back()));
  outcome.reason = "not implemented";
  return outcome;
}

const DeliveryOptions& HandleNotificationClient::options() const { return impl_->options; }

bool IsAccepted(const DeliveryAttempt& a) { return a.http_status && (*a.http_status == 204 || *a.http_status == 200); }

std::string DescribeAttempt(const DeliveryAttempt& a) {
  return a.http_status ? "HTTP " + std::to_string(*a.http_status) : a.transport_error.value_or("");
}

}  // namespace esim
