#include "src/safety/es11_https.h"

#include "src/safety/ci_trust.h"

namespace esim {

Result<std::string> Es11Https::Post(const char* function, const std::string& body, long& http_status) {
  http_status = 0;
  ESIM_ASSIGN_OR_RETURN(Es9Answer answer, client_.PostRsp2(address_, es11::PathSegment(path_), function, body));
  http_status = answer.http_status;
  if (answer.http_status != 200) {
    return Status(ErrorCode::kServerRefused, "the SM-DS answered HTTP " + std::to_string(answer.http_status) +
                                                 " to " + answer.url);
  }
  return std::move(answer.body);
}

Result<es9p::InitiateAuthenticationAnswer> Es11Https::InitiateAuthentication(ByteView euicc_challenge,
                                                                            ByteView euicc_info1,
                                                                            const std::string& smds_address) {
  // The CIs this card lists choose the GSMA CIs the connection trusts, as for an SM-DP+
  // (Es9PlusHttps): from the EUICCInfo1 the flow read anyway, no APDU added.
  if (auto cis = CardCiListFromEuiccInfo1(euicc_info1); cis.ok()) client_.SetCardCis(std::move(*cis));
  long http_status = 0;
  path_ = es11::Path::kEs11;
  Result<std::string> body =
      Post("initiateAuthentication",
           es11::BuildInitiateAuthentication(euicc_challenge, euicc_info1, smds_address, path_), http_status);
  if (!body.ok() && http_status == 404) {
    // This SM-DS serves ES11 on the ES9+ paths (docs/quirks.md).
    path_ = es11::Path::kEs9Plus;
    body = Post("initiateAuthentication",
                es11::BuildInitiateAuthentication(euicc_challenge, euicc_info1, smds_address, path_), http_status);
  }
  if (!body.ok()) return body.status();
  return es11::ParseInitiateAuthentication(*body);
}

Result<std::vector<es11::EventEntry>> Es11Https::AuthenticateClient(ByteView transaction_id,
                                                                   ByteView authenticate_server_response) {
  long http_status = 0;
  ESIM_ASSIGN_OR_RETURN(std::string body,
                        Post("authenticateClient",
                             es11::BuildAuthenticateClient(transaction_id, authenticate_server_response), http_status));
  return es11::ParseAuthenticateClient(body, transaction_id);
}

}  // namespace esim
