#include "src/ops/discover.h"

#include "src/ops/common_authentication.h"
#include "src/validate/download_input.h"

namespace esim {
namespace {

Status SmdsFailure(const Status& status) {
  std::string advice;
  switch (status.code()) {
    case ErrorCode::kServerUnreachable:
      advice = "check the network and the SM-DS address (--smds, and --ca-file for a private CA), then try again";
      break;
    case ErrorCode::kServerRefused:
      advice = "the SM-DS's codes say why; try again later or ask the carrier";
      break;
    default:
      advice = "try again; tell the SM-DS's operator if it keeps happening";
      break;
  }
  return Status(status.code(), status.message() + "; no event was read, " + advice);
}

Status Invalid(const std::string& what) {
  return Status(ErrorCode::kServerAnswerInvalid, what + "; no event was read");
}

}  // namespace

Result<DiscoverOutcome> DiscoverEvents(DownloadCard& card, es11::Es11Server& server, const DiscoverRequest& request) {
  // A new challenge: the card drops any session it still held (an earlier discovery's too).
  ESIM_ASSIGN_OR_RETURN(CardGreeting greeting, GreetCard(card, request.euicc_info1));

  Result<es9p::InitiateAuthenticationAnswer> init =
      server.InitiateAuthentication(greeting.challenge, greeting.euicc_info1, request.smds_address);
  if (!init.ok()) return SmdsFailure(init.status());
  if (Status checked = CheckInitiateAuthentication(*init, greeting.challenge, request.smds_address, "SM-DS");
      !checked.ok()) {
    return Invalid(checked.message());
  }

  // AuthenticateServer without a matchingId: SGP.22's ctxParams1 for an SM-DS.
  es10::AuthenticateServerRequest authenticate =
      AuthenticateServerRequestFor(*init, std::nullopt, request.tac, request.imei);
  Result<es10::SessionAnswer> answer = card.AuthenticateServer(authenticate);
  if (!answer.ok()) return answer.status();
  const es10::SessionAnswer& authenticated = *answer;
  if (!authenticated.ok()) {
    // The card ended its session; the SM-DS learns why from its error answer (and answers Failed).
    (void)server.AuthenticateClient(init->transactionId, authenticated.der);
    return Status(ErrorCode::kCardRefusedServer, "the card refused the SM-DS's authentication: " +
                                                     AuthenticateErrorName(*authenticated.errorCode) +
                                                     "; no event was read, this card does not trust that SM-DS");
  }

  Result<std::vector<es11::EventEntry>> events = server.AuthenticateClient(init->transactionId, authenticated.der);
  if (!events.ok()) return SmdsFailure(events.status());
  for (const es11::EventEntry& event : *events) {
    if (Result<std::string> address = ParseSmdpAddress(event.rspServerAddress); !address.ok()) {
      return Invalid("the SM-DS listed an event at an unusable SM-DP+ address (" + address.status().message() + ")");
    }
  }
  return DiscoverOutcome{std::move(*events), init->transactionId};
}

}  // namespace esim
