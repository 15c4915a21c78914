#include "src/safety/es9p_https.h"

namespace esim {

Result<std::string> Es9PlusHttps::Post(const char* function, const std::string& body, bool empty_ok) {
  ESIM_ASSIGN_OR_RETURN(Es9Answer answer, client_.PostEs9Plus(address_, function, body));
  if (answer.http_status == 204 && empty_ok) return std::string();
  if (answer.http_status != 200) {
    // The server was reached and answered, but not with an ES9+ answer: it refused (or failed)
    // the function. Unreachable (50) is for no answer at all.
    return Status(ErrorCode::kServerRefused, "the SM-DP+ answered HTTP " + std::to_string(answer.http_status) +
                                                 " to " + function);
  }
  return std::move(answer.body);
}

Result<es9p::InitiateAuthenticationAnswer> Es9PlusHttps::InitiateAuthentication(ByteView euicc_challenge,
                                                                               ByteView euicc_info1,
                                                                               const std::string& smdp_address) {
  // The CIs this card lists choose the GSMA CIs the connection trusts (ci_trust.h): the
  // EUICCInfo1 the flow read anyway, so no APDU is added. A malformed one (the card checked it
  // decodes) leaves only RSP2 Root CI1 among the CIs.
  if (auto cis = CardCiListFromEuiccInfo1(euicc_info1); cis.ok()) client_.SetCardCis(std::move(*cis));
  ESIM_ASSIGN_OR_RETURN(std::string body,
                        Post("initiateAuthentication",
                             es9p::BuildInitiateAuthentication(euicc_challenge, euicc_info1, smdp_address)));
  return es9p::ParseInitiateAuthentication(body);
}

Result<es9p::AuthenticateClientAnswer> Es9PlusHttps::AuthenticateClient(ByteView transaction_id,
                                                                       ByteView authenticate_server_response) {
  ESIM_ASSIGN_OR_RETURN(std::string body,
                        Post("authenticateClient",
                             es9p::BuildAuthenticateClient(transaction_id, authenticate_server_response)));
  return es9p::ParseAuthenticateClient(body, transaction_id);
}

Result<es9p::GetBoundProfilePackageAnswer> Es9PlusHttps::GetBoundProfilePackage(ByteView transaction_id,
                                                                               ByteView prepare_download_response) {
  ESIM_ASSIGN_OR_RETURN(std::string body,
                        Post("getBoundProfilePackage",
                             es9p::BuildGetBoundProfilePackage(transaction_id, prepare_download_response)));
  return es9p::ParseGetBoundProfilePackage(body, transaction_id);
}

Status Es9PlusHttps::CancelSession(ByteView transaction_id, ByteView cancel_session_response) {
  ESIM_ASSIGN_OR_RETURN(std::string body,
                        Post("cancelSession", es9p::BuildCancelSession(transaction_id, cancel_session_response),
                             /*empty_ok=*/true));
  if (body.empty()) return Status::Ok();
  return es9p::CheckHeader(body);
}

}  // namespace esim
