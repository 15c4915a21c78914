#include "src/ops/common_authentication.h"

#include <algorithm>
#include <cctype>

namespace esim {
namespace {

// The host of "host[:port]", lower case: serverAddress names the host the LPA connected to.
std::string HostOf(std::string_view address) {
  std::string host(address.substr(0, address.find(':')));
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

}  // namespace

Result<CardGreeting> GreetCard(DownloadCard& card, const std::optional<Bytes>& known_info1) {
  CardGreeting greeting;
  ESIM_ASSIGN_OR_RETURN(greeting.challenge, card.GetEuiccChallenge());
  if (known_info1) {
    greeting.euicc_info1 = *known_info1;
  } else {
    ESIM_ASSIGN_OR_RETURN(greeting.euicc_info1, card.GetEuiccInfo1());
  }
  return greeting;
}

Status CheckInitiateAuthentication(const es9p::InitiateAuthenticationAnswer& answer, ByteView challenge,
                                   std::string_view address, std::string_view role) {
  const std::string the = "the " + std::string(role);
  Result<es10::ServerSigned1> signed1 = es10::DecodeServerSigned1(answer.serverSigned1);
  if (!signed1.ok()) {
    return Status(ErrorCode::kServerAnswerInvalid,
                  the + "'s serverSigned1 is malformed (" + signed1.status().message() + ")");
  }
  if (signed1->transactionId != answer.transactionId) {
    return Status(ErrorCode::kServerAnswerInvalid, the + " signed transactionId " + ToHex(signed1->transactionId) +
                                                       " but named " + ToHex(answer.transactionId));
  }
  if (HostOf(signed1->serverAddress) != HostOf(address)) {
    return Status(ErrorCode::kServerAnswerInvalid, the + " at " + HostOf(address) + " answered as another server");
  }
  if (!std::equal(signed1->euiccChallenge.begin(), signed1->euiccChallenge.end(), challenge.begin(), challenge.end())) {
    return Status(ErrorCode::kServerAnswerInvalid, the + " signed another challenge than the card's");
  }
  return Status::Ok();
}

es10::AuthenticateServerRequest AuthenticateServerRequestFor(const es9p::InitiateAuthenticationAnswer& answer,
                                                             const std::optional<std::string>& matching_id,
                                                             const Bytes& tac, const std::optional<Bytes>& imei) {
  es10::AuthenticateServerRequest request;
  request.serverSigned1 = answer.serverSigned1;
  request.serverSignature1 = answer.serverSignature1;
  request.euiccCiPKIdToBeUsed = answer.euiccCiPKIdToBeUsed;
  request.serverCertificate = answer.serverCertificate;
  request.ctxParams1.matchingId = matching_id;
  request.ctxParams1.tac = tac;
  request.ctxParams1.imei = imei;
  return request;
}

}  // namespace esim
