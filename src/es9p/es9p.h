// ES9+ (LPA ↔ SM-DP+) for profile download: the JSON of initiateAuthentication,
// authenticateClient, getBoundProfilePackage and cancelSession (download-facts §5), and the
// server interface the download operation talks to (Es9PlusServer), so that it can be a real
// SM-DP+ over HTTPS (src/safety/es9p_https.h) or a fake in a unit test.
//
// The Build* and Parse* functions are pure. Parse* check what every answer must satisfy:
// `header.functionExecutionStatus.status` is Executed-Success or Executed-WithWarning (Failed,
// Expired: kServerRefused, with the subject and reason codes and the server's message, made
// safe to print), the binary members are standard padded base64, and the transactionId is the
// one of the session (kServerAnswerInvalid otherwise). Thread-compatible values.
#pragma once

#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::es9p {

// ---- Answers ---------------------------------------------------------------------
struct InitiateAuthenticationAnswer {
  Bytes transactionId;
  Bytes serverSigned1;        // whole DER, forwarded to the card as is
  Bytes serverSignature1;     // whole 5F37 TLV
  Bytes euiccCiPKIdToBeUsed;  // whole 04 TLV
  Bytes serverCertificate;    // whole DER
};
struct AuthenticateClientAnswer {
  Bytes transactionId;
  Bytes profileMetadata;      // StoreMetadataRequest (BF25) DER
  Bytes smdpSigned2;
  Bytes smdpSignature2;
  Bytes smdpCertificate;
};
struct GetBoundProfilePackageAnswer {
  Bytes transactionId;
  Bytes boundProfilePackage;  // BF36 DER
};

// ---- Requests (JSON bodies) ------------------------------------------------------
std::string BuildInitiateAuthentication(ByteView euicc_challenge, ByteView euicc_info1, const std::string& smdp_address);
std::string BuildAuthenticateClient(ByteView transaction_id, ByteView authenticate_server_response);
std::string BuildGetBoundProfilePackage(ByteView transaction_id, ByteView prepare_download_response);
std::string BuildCancelSession(ByteView transaction_id, ByteView cancel_session_response);

// ---- Answer parsing --------------------------------------------------------------
// The header check alone (for cancelSession, whose answer has no body members).
Status CheckHeader(const std::string& body);
Result<InitiateAuthenticationAnswer> ParseInitiateAuthentication(const std::string& body);
// `transaction_id`: the session's; a different one in the answer is kServerAnswerInvalid.
Result<AuthenticateClientAnswer> ParseAuthenticateClient(const std::string& body, ByteView transaction_id);
Result<GetBoundProfilePackageAnswer> ParseGetBoundProfilePackage(const std::string& body, ByteView transaction_id);

// Standard base64 with padding (RFC 4648 §4); kServerAnswerInvalid naming `member` otherwise.
Result<Bytes> DecodeBase64(const std::string& text, const std::string& member);

// ---- The server ------------------------------------------------------------------
// One SM-DP+ the download talks to. Every method is one ES9+ function; errors: kServerUnreachable
// (no answer), kServerRefused (Failed or Expired, or an HTTP error status), kServerAnswerInvalid
// (malformed answer).
// Not thread-safe.
class Es9PlusServer {
 public:
  virtual ~Es9PlusServer() = default;
  virtual Result<InitiateAuthenticationAnswer> InitiateAuthentication(ByteView euicc_challenge, ByteView euicc_info1,
                                                                      const std::string& smdp_address) = 0;
  virtual Result<AuthenticateClientAnswer> AuthenticateClient(ByteView transaction_id,
                                                              ByteView authenticate_server_response) = 0;
  virtual Result<GetBoundProfilePackageAnswer> GetBoundProfilePackage(ByteView transaction_id,
                                                                      ByteView prepare_download_response) = 0;
  virtual Status CancelSession(ByteView transaction_id, ByteView cancel_session_response) = 0;
};

}  // namespace esim::es9p
