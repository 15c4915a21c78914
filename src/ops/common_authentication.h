// The LPA's share of SGP.22 common mutual authentication (download-facts §1, steps 1-4), which a
// download from an SM-DP+ (ES9+, src/ops/download.h) and a discovery at an SM-DS (ES11,
// src/ops/discover.h) run alike: the card's challenge and EUICCInfo1, the checks of the server's
// initiateAuthentication answer, and the AuthenticateServer request built from it.
//
// Errors name the server's role ("SM-DP+" or "SM-DS") and say what was wrong; the caller adds
// what it means for the user (nothing installed, no event read). Stateless; thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "asn1/download.h"
#include "common/status.h"
#include "src/es9p/es9p.h"
#include "src/ops/download.h"

namespace esim {

// What the card says first: its challenge and its EUICCInfo1 (BF20 DER).
struct CardGreeting {
  Bytes challenge;
  Bytes euicc_info1;
};

// GetEuiccChallenge (which also ends any session the card still held), then GetEuiccInfo1
// unless `known_info1` already holds it.
Result<CardGreeting> GreetCard(DownloadCard& card, const std::optional<Bytes>& known_info1);

// Checks initiateAuthentication's answer: serverSigned1 decodes, names the answer's
// transactionId and the card's challenge, and its serverAddress is the host of `address` (the
// one the LPA connected to). kServerAnswerInvalid naming `role` otherwise.
Status CheckInitiateAuthentication(const es9p::InitiateAuthenticationAnswer& answer, ByteView challenge,
                                   std::string_view address, std::string_view role);

// AuthenticateServer's request for `answer`; ctxParams1 carries `matching_id` (absent towards an
// SM-DS), the TAC and the IMEI.
es10::AuthenticateServerRequest AuthenticateServerRequestFor(const es9p::InitiateAuthenticationAnswer& answer,
                                                             const std::optional<std::string>& matching_id,
                                                             const Bytes& tac, const std::optional<Bytes>& imei);

}  // namespace esim
