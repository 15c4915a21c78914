// Es9PlusHttps: the SM-DP+ of a download reached over HTTPS, through the notification
// client's libcurl handle (HandleNotificationClient::PostEs9Plus), so the download obeys the
// same TLS rules (verification always on, --ca-file, --connect-to, the GSMA CIs the card lists
// in the EUICCInfo1 given to InitiateAuthentication: ci_trust.h) and headers
// (X-Admin-Protocol gsma/rsp/v2.2.0). No answer (DNS, TCP, TLS, timeout) is kServerUnreachable;
// an HTTP status other than 200 (or 204 for cancelSession) is kServerRefused naming it.
// Not thread-safe; `client` must outlive it.
#pragma once

#include <string>

#include "src/es9p/es9p.h"
#include "src/safety/handle_notification_client.h"

namespace esim {

class Es9PlusHttps : public es9p::Es9PlusServer {
 public:
  // `address`: the SM-DP+ (host[:port]) every function is posted to.
  Es9PlusHttps(HandleNotificationClient& client, std::string address)
      : client_(client), address_(std::move(address)) {}

  Result<es9p::InitiateAuthenticationAnswer> InitiateAuthentication(ByteView euicc_challenge, ByteView euicc_info1,
                                                                    const std::string& smdp_address) override;
  Result<es9p::AuthenticateClientAnswer> AuthenticateClient(ByteView transaction_id,
                                                            ByteView authenticate_server_response) override;
  Result<es9p::GetBoundProfilePackageAnswer> GetBoundProfilePackage(ByteView transaction_id,
                                                                    ByteView prepare_download_response) override;
  Status CancelSession(ByteView transaction_id, ByteView cancel_session_response) override;

 private:
  // The answer's body after a 200 (or, when `empty_ok`, "" after a 204).
  Result<std::string> Post(const char* function, const std::string& body, bool empty_ok = false);

  HandleNotificationClient& client_;
  std::string address_;
};

}  // namespace esim
