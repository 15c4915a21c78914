// DiscoverEvents: SGP.22 event discovery at an SM-DS over ES11 (download-facts §6): the card's
// challenge and EUICCInfo1, ES11 initiateAuthentication, AuthenticateServer on the card with
// ctxParams1 without a matchingId, ES11 authenticateClient, whose answer lists the events
// waiting for this EID.
//
// It checks the SM-DS as the download checks an SM-DP+ (serverSigned1's transactionId,
// serverAddress and euiccChallenge; the answers' transactionId and status, with subject/reason
// codes in messages) and every event's rspServerAddress (ParseSmdpAddress). When the card
// refuses the SM-DS (AuthenticateServer error) its error answer goes to the SM-DS in
// authenticateClient, as SGP.22 has it.
//
// Afterwards the card still holds the session the SM-DS authenticated. Nothing cancels it:
// ES11 has no cancelSession (a CancelSession answer is signed for an SM-DP+, which this
// session has none of), and SGP.22 has the eUICC discard an open session at the next
// GetEuiccChallenge, which every download starts with; lpac leaves it the same way
// (docs/quirks.md). Not thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "src/es11/es11.h"
#include "src/ops/download.h"

namespace esim {

struct DiscoverRequest {
  std::string smds_address;            // host[:port], checked (ParseSmdpAddress)
  Bytes tac{0x00, 0x00, 0x00, 0x00};   // 4 bytes; zeros when no IMEI is given
  std::optional<Bytes> imei;           // 8 bytes packed (PackImei)
  std::optional<Bytes> euicc_info1;    // BF20 DER when the caller already read it
};

struct DiscoverOutcome {
  std::vector<es11::EventEntry> events;  // in the SM-DS's order; addresses checked
  Bytes transaction_id;
};

// Runs the discovery. Errors: 50-53 (unreachable, refused with the SM-DS's codes, invalid
// answer, the card refused the SM-DS) and the card's; one sentence of what happened and what to do.
Result<DiscoverOutcome> DiscoverEvents(DownloadCard& card, es11::Es11Server& server, const DiscoverRequest& request);

}  // namespace esim
