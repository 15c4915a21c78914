// DownloadProfile: SGP.22 profile download (common mutual authentication, binding, loading the
// bound profile package) between one card and one SM-DP+ (download-facts §1).
//
// The card and the server are interfaces (DownloadCard, es9p::Es9PlusServer) so the flow runs
// against a real eUICC through Es10Client (Es10DownloadCard) and a real SM-DP+ over HTTPS, or
// against fakes in unit tests. It checks what the server says (transactionId and serverAddress
// in serverSigned1, transactionId of every answer, the BPP's StoreMetadata against the
// profileMetadata the user confirmed). When the card refuses the server (AuthenticateServer or
// PrepareDownload error) its error answer goes to the SM-DP+ in the next ES9+ call, as SGP.22
// has it. On any other failure after the card authenticated the server it cancels on the card
// and on the server with the fitting reason (declined: 0
// endUserRejection, or the user's DeclineReason, 1 postponed for a preview or no terminal; no
// confirmation code to ask for: 1 postponed; metadata mismatch: 4;
// the load failed: 5 loadBppExecutionError; else 127). After a failure during the load it lists
// the card's profiles and reports what is really there. Matching IDs and confirmation codes
// never appear in a message. Each step is reported to a DownloadRecorder before the next request
// is sent (the journal keeps them; ops stays free of storage). Not thread-safe.
#pragma once

#include <optional>
#include <string>

#include "asn1/download.h"
#include "asn1/messages.h"
#include "common/status.h"
#include "src/es9p/es9p.h"

namespace esim {

class CardSession;

// The card's side of a download.
class DownloadCard {
 public:
  virtual ~DownloadCard() = default;
  virtual Result<Bytes> GetEuiccChallenge() = 0;
  virtual Result<Bytes> GetEuiccInfo1() = 0;  // whole BF20 DER
  virtual Result<es10::SessionAnswer> AuthenticateServer(const es10::AuthenticateServerRequest& request) = 0;
  virtual Result<es10::SessionAnswer> PrepareDownload(const es10::PrepareDownloadRequest& request) = 0;
  // One BPP piece as its own STORE DATA sequence; the answer's data (empty for an intermediate 9000).
  virtual Result<Bytes> LoadPiece(ByteView piece) = 0;
  virtual Result<es10::SessionAnswer> CancelSession(ByteView transaction_id, es10::CancelReason reason) = 0;
  // Whether a profile with `iccid` is on the card now.
  virtual Result<bool> HasProfile(const es10::Iccid& iccid) = 0;
  // After an answer was lost (the reader reset the card, as modems do): reconnects and
  // reselects the ISD-R so the card can be asked what it did.
  virtual Status Reconnect() = 0;
};

// DownloadCard over a card session (which must outlive it).
class Es10DownloadCard : public DownloadCard {
 public:
  explicit Es10DownloadCard(CardSession& session) : session_(session) {}
  Result<Bytes> GetEuiccChallenge() override;
  Result<Bytes> GetEuiccInfo1() override;
  Result<es10::SessionAnswer> AuthenticateServer(const es10::AuthenticateServerRequest& request) override;
  Result<es10::SessionAnswer> PrepareDownload(const es10::PrepareDownloadRequest& request) override;
  Result<Bytes> LoadPiece(ByteView piece) override;
  Result<es10::SessionAnswer> CancelSession(ByteView transaction_id, es10::CancelReason reason) override;
  Result<bool> HasProfile(const es10::Iccid& iccid) override;
  Status Reconnect() override;

 private:
  CardSession& session_;
};

// What the user is asked during a download (the CLI answers on a terminal, or from -y and
// --confirmation-code).
class DownloadUser {
 public:
  virtual ~DownloadUser() = default;
  // Shows the profile the SM-DP+ offers; false when the user declines it.
  virtual bool ConfirmProfile(const es10::ProfileInfo& metadata) = 0;
  // The confirmation code the SM-DP+ requires, or nullopt when there is no one to ask.
  virtual std::optional<std::string> AskConfirmationCode() = 0;
  // `sent` of `total` STORE DATA sequences of the load are done (called after each one).
  virtual void LoadProgress(size_t /*sent*/, size_t /*total*/) {}
  // The reason the session is cancelled with after ConfirmProfile returned false:
  // endUserRejection when the user said no; postponed when nobody could be asked or the user
  // only wanted a preview (the order stays usable).
  virtual es10::CancelReason DeclineReason() const { return es10::CancelReason::kEndUserRejection; }
};

// What a download reports as it goes, so that the safety layer journals each step before the
// next request is sent (src/safety/download_recorder.h implements it on the journal; ops stays
// free of storage). A step that cannot be recorded stops the download, which then cancels the
// session. Called on the download's thread.
class DownloadRecorder {
 public:
  virtual ~DownloadRecorder() = default;
  // AuthenticateServer succeeded: session `transaction_id` exists on the card and the server.
  virtual Status Authenticated(ByteView /*transaction_id*/) { return Status::Ok(); }
  // authenticateClient answered: the profile the SM-DP+ offers.
  virtual Status ClientAuthenticated(const es10::ProfileInfo& /*metadata*/) { return Status::Ok(); }
  // A later step: "confirmed", "prepared", "bpp-received", "loading N/M" (after each STORE DATA
  // sequence), "loaded" (the card answered the last one).
  virtual Status StepReached(const std::string& /*step*/) { return Status::Ok(); }
  // The session was cancelled with `reason`: what the card and the SM-DP+ answered, in words.
  virtual void Cancelled(es10::CancelReason /*reason*/, const std::string& /*card_answer*/,
                         const std::string& /*server_answer*/) {}
};

struct DownloadRequest {
  std::string smdp_address;                  // host[:port], checked (ParseSmdpAddress)
  std::optional<std::string> matching_id;    // absent: none sent (default SM-DP+)
  std::optional<std::string> confirmation_code;
  Bytes tac{0x00, 0x00, 0x00, 0x00};         // 4 bytes; zeros when no IMEI is given
  std::optional<Bytes> imei;                 // 8 bytes packed (PackImei)
  // EUICCInfo1 (BF20 DER) when the caller already read it (to choose the CIs the TLS client
  // trusts); the flow then does not ask the card again.
  std::optional<Bytes> euicc_info1;
};

struct DownloadOutcome {
  es10::ProfileInfo metadata;  // the profile as the SM-DP+ described it
  Bytes transaction_id;
  // The card's ProfileInstallationResult (success); absent when its answer was lost and the
  // profile list showed the profile installed (then `warning` says so).
  std::optional<es10::ProfileInstallationResult> result;
  std::string warning;
  size_t pieces = 0;  // STORE DATA sequences of the load
};

// Runs the whole download. Errors (exit codes 50-57, 3, 6, and the card's): the message is one
// sentence of what happened and what to do, with the server's subject/reason codes when given.
// `recorder` (may be null) hears every step as it happens.
Result<DownloadOutcome> DownloadProfile(DownloadCard& card, es9p::Es9PlusServer& server,
                                        const DownloadRequest& request, DownloadUser& user,
                                        DownloadRecorder* recorder = nullptr);

// What cancelling session `transaction_id` on the card and then at the SM-DP+ came to.
struct CancelOutcome {
  Status status;               // Ok when the SM-DP+ accepted the cancel
  std::string card_answer;     // "signed (reason N)", "error: invalidTransactionId (5)", or why no answer
  std::string server_answer;   // "accepted", the SM-DP+'s error, or "not sent: ..."
};
// CancelSession on the card with `reason`, then ES9+ cancelSession with the card's answer: its
// signed answer, or its error answer when it holds no such session (SGP.22's CancelSessionResponse
// is either; the SM-DP+ then ends its own session and keeps the order as it was).
CancelOutcome CancelDownloadSession(DownloadCard& card, es9p::Es9PlusServer& server, ByteView transaction_id,
                                    es10::CancelReason reason);

// hashCc = SHA-256(SHA-256(confirmation code) || transactionId) (SGP.22 §3.1.3); libcrypto.
Bytes HashConfirmationCode(const std::string& confirmation_code, ByteView transaction_id);

// Names of the card's codes for messages: AuthenticateServer / PrepareDownload errors and
// ProfileInstallationResult errorReason.
std::string AuthenticateErrorName(int64_t code);
std::string PrepareDownloadErrorName(int64_t code);
std::string InstallErrorReasonName(int64_t reason);

}  // namespace esim
