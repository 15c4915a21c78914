// Es11Https: an SM-DS reached over HTTPS through the notification client's libcurl handle
// (HandleNotificationClient::PostRsp2), so discovery obeys the download's TLS rules
// (verification always on, --ca-file, --connect-to) and headers.
//
// Path (docs/quirks.md, "ES11 path"): initiateAuthentication goes first to SGP.22's
// /gsma/rsp2/es11/ with smdsAddress; when the SM-DS answers HTTP 404 there (it serves ES11 on
// the ES9+ paths, as lpac assumes), once more to /gsma/rsp2/es9plus/ with smdpAddress. Nothing
// was opened at the server by a 404, so the same challenge is reused. authenticateClient then
// goes to the path that worked. No answer is kServerUnreachable; an HTTP status other than 200
// is kServerRefused naming it. Not thread-safe; `client` must outlive it.
#pragma once

#include <string>
#include <vector>

#include "src/es11/es11.h"
#include "src/safety/handle_notification_client.h"

namespace esim {

class Es11Https : public es11::Es11Server {
 public:
  // `address`: the SM-DS (host[:port]) every function is posted to.
  Es11Https(HandleNotificationClient& client, std::string address)
      : client_(client), address_(std::move(address)) {}

  Result<es9p::InitiateAuthenticationAnswer> InitiateAuthentication(ByteView euicc_challenge, ByteView euicc_info1,
                                                                    const std::string& smds_address) override;
  Result<std::vector<es11::EventEntry>> AuthenticateClient(ByteView transaction_id,
                                                           ByteView authenticate_server_response) override;

  // The path that answered initiateAuthentication (kEs11 until then).
  es11::Path path() const { return path_; }

 private:
  // The body of a 200 answer; `http_status` receives the status whatever it was (0: no answer).
  Result<std::string> Post(const char* function, const std::string& body, long& http_status);

  HandleNotificationClient& client_;
  std::string address_;
  es11::Path path_ = es11::Path::kEs11;
};

}  // namespace esim
