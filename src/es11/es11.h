// ES11 (LPA ↔ SM-DS) for event discovery (download-facts §6, docs/quirks.md "ES11 path"): the
// JSON of initiateAuthentication and authenticateClient, and the server interface discovery
// talks to (Es11Server), so that it can be a real SM-DS over HTTPS (es11_https.h) or a fake in
// a unit test.
//
// ES11 shares its first half with ES9+: initiateAuthentication answers exactly like the
// SM-DP+'s (es9p::InitiateAuthenticationAnswer), and authenticateClient takes the same
// request; only its answer differs: the list of events waiting for the eUICC's EID
// (eventEntries [{eventId, rspServerAddress}]) instead of a profile's metadata.
//
// The Build* and Parse* functions are pure; Parse* check what es9p's do (header status with
// subject/reason codes on Failed/Expired: kServerRefused; base64; transactionId: the session's
// when the SM-DS names one), with messages naming the SM-DS. Thread-compatible values.
#pragma once

#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "src/es9p/es9p.h"

namespace esim::es11 {

// Where the functions are posted: SGP.22's ES11 binding, or the ES9+ one that lpac uses and
// some SM-DS deployments serve (docs/quirks.md).
enum class Path { kEs11, kEs9Plus };
// "es11" / "es9plus": the path segment after /gsma/rsp2/.
const char* PathSegment(Path path);

// One event waiting at the SM-DS: download it from rspServerAddress with eventId as the
// matching ID. Both members as the SM-DS sent them (the caller checks the address).
struct EventEntry {
  std::string eventId;
  std::string rspServerAddress;
  bool operator==(const EventEntry&) const = default;
};

// ---- Requests (JSON bodies) ------------------------------------------------------
// ES11 names the address member smdsAddress; on the ES9+ path it is smdpAddress (as lpac sends).
std::string BuildInitiateAuthentication(ByteView euicc_challenge, ByteView euicc_info1,
                                        const std::string& smds_address, Path path);
std::string BuildAuthenticateClient(ByteView transaction_id, ByteView authenticate_server_response);

// ---- Answer parsing --------------------------------------------------------------
Result<es9p::InitiateAuthenticationAnswer> ParseInitiateAuthentication(const std::string& body);
// The events (possibly none). A transactionId in the answer must be `transaction_id`; each
// entry must have non-empty string eventId and rspServerAddress (kServerAnswerInvalid otherwise).
Result<std::vector<EventEntry>> ParseAuthenticateClient(const std::string& body, ByteView transaction_id);
// The header check alone (an answer to a card's error, which carries no events).
Status CheckHeader(const std::string& body);

// ---- The server ------------------------------------------------------------------
// One SM-DS. Errors: kServerUnreachable (no answer), kServerRefused (Failed or Expired, or an
// HTTP error status), kServerAnswerInvalid (malformed answer). Not thread-safe.
class Es11Server {
 public:
  virtual ~Es11Server() = default;
  virtual Result<es9p::InitiateAuthenticationAnswer> InitiateAuthentication(ByteView euicc_challenge,
                                                                            ByteView euicc_info1,
                                                                            const std::string& smds_address) = 0;
  virtual Result<std::vector<EventEntry>> AuthenticateClient(ByteView transaction_id,
                                                             ByteView authenticate_server_response) = 0;
};

}  // namespace esim::es11
