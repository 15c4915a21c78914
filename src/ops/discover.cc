#include "src/ops/discover.h"

#include <cctype>

#include "src/validate/download_input.h"

namespace esim {
namespace {

// The host of "host[:port]", lower case: serverAddress names the host the LPA connected to.
std::string HostOf(std::string_view address) {
  std::string host(address.substr(0, address.find(':')));
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return host;
}

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
  ESIM_ASSIGN_OR_RETURN(Bytes challenge, card.GetEuiccChallenge());
  Bytes info1;
  if (request.euicc_info1) {
    info1 = *request.euicc_info1;
  } else {
    ESIM_ASSIGN_OR_RETURN(info1, card.GetEuiccInfo1());
  }

  Result<es9p::InitiateAuthenticationAnswer> init =
      server.InitiateAuthentication(challenge, info1, request.smds_address);
  if (!init.ok()) return SmdsFailure(init.status());
  Result<es10::ServerSigned1> signed1 = es10::DecodeServerSigned1(init->serverSigned1);
  if (!signed1.ok()) return Invalid("the SM-DS's serverSigned1 is malformed (" + signed1.status().message() + ")");
  if (signed1->transactionId != init->transactionId) {
    return Invalid("the SM-DS signed transactionId " + ToHex(signed1->transactionId) + " but named " +
                   ToHex(init->transactionId));
  }
  if (HostOf(signed1->serverAddress) != HostOf(request.smds_address)) {
    return Invalid("the SM-DS at " + HostOf(request.smds_address) + " answered as another server");
  }
  if (signed1->euiccChallenge != challenge) return Invalid("the SM-DS signed another challenge than the card's");

  // AuthenticateServer without a matchingId: SGP.22's ctxParams1 for an SM-DS.
  es10::AuthenticateServerRequest authenticate;
  authenticate.serverSigned1 = init->serverSigned1;
  authenticate.serverSignature1 = init->serverSignature1;
  authenticate.euiccCiPKIdToBeUsed = init->euiccCiPKIdToBeUsed;
  authenticate.serverCertificate = init->serverCertificate;
  authenticate.ctxParams1.tac = request.tac;
  authenticate.ctxParams1.imei = request.imei;
  ESIM_ASSIGN_OR_RETURN(es10::SessionAnswer authenticated, card.AuthenticateServer(authenticate));
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
