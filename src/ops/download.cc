#include "src/ops/download.h"

#include <algorithm>
#include <cctype>

#include "common/crypto_library.h"
#include "src/es10/es10_client.h"
#include "src/ops/common_authentication.h"
#include "src/session/card_session.h"

namespace esim {
namespace {

using es10::CancelReason;

std::string NameOr(int64_t code, std::initializer_list<std::pair<int64_t, const char*>> names) {
  for (const auto& [value, name] : names) {
    if (value == code) return std::string(name) + " (" + std::to_string(code) + ")";
  }
  return "code " + std::to_string(code);
}

std::string CancelErrorName(int64_t code) {
  return NameOr(code, {{5, "invalidTransactionId"}, {127, "undefinedError"}});
}

// Records nothing: the recorder of a download nobody journals.
class NoRecorder : public DownloadRecorder {};

// The download after AuthenticateServer: every failure from there on cancels the session.
class Session {
 public:
  Session(DownloadCard& card, es9p::Es9PlusServer& server, Bytes transaction_id, DownloadRecorder& recorder)
      : card_(card), server_(server), transaction_id_(std::move(transaction_id)), recorder_(recorder) {}

  // Cancels on the card, then (with the card's signed answer) on the server, and returns
  // `failure` with a note when cancelling failed too. Cancelling is best effort: the failure
  // that led here is what the user must see.
  Status Fail(Status failure, CancelReason reason) {
    CancelOutcome cancelled = CancelDownloadSession(card_, server_, transaction_id_, reason);
    recorder_.Cancelled(reason, cancelled.card_answer, cancelled.server_answer);
    std::string note;
    if (!cancelled.status.ok()) note = " (" + cancelled.status.message() + ")";
    return Status(failure.code(), failure.message() + note);
  }

  // Records `step`; a step the journal cannot take stops the download.
  Status Record(const Status& recorded) {
    if (recorded.ok()) return recorded;
    return Fail(Status(recorded.code(), "the download's progress could not be journaled (" + recorded.message() +
                                            "); nothing was installed"),
                CancelReason::kUndefinedReason);
  }

  const Bytes& transaction_id() const { return transaction_id_; }

 private:
  DownloadCard& card_;
  es9p::Es9PlusServer& server_;
  Bytes transaction_id_;
  DownloadRecorder& recorder_;
};

// `status` from the SM-DP+, with what it means for the card and what to do about it.
Status ServerFailure(const Status& status) {
  std::string advice;
  switch (status.code()) {
    case ErrorCode::kServerUnreachable:
      advice = "check the network and the SM-DP+ address (and --ca-file for a private CA), then run the download again";
      break;
    case ErrorCode::kServerRefused:
      advice = "if the SM-DP+'s codes name the activation code, matching ID, EID or confirmation code, check it "
               "(or ask the carrier for a new activation code); otherwise run the download again later";
      break;
    case ErrorCode::kServerNotTrusted:
      // The refusal says what would help (--trust-test-ci, --ca-file) or that the server is not
      // for this card; no ES9+ request left esimctl.
      advice = "nothing was sent to the SM-DP+, the activation code is still good";
      break;
    default:
      advice = "run the download again; tell the carrier if it keeps happening";
      break;
  }
  return Status(status.code(), status.message() + "; nothing was installed; " + advice);
}

}  // namespace

CancelOutcome CancelDownloadSession(DownloadCard& card, es9p::Es9PlusServer& server, ByteView transaction_id,
                                    CancelReason reason) {
  CancelOutcome out;
  Result<es10::SessionAnswer> card_answer = card.CancelSession(transaction_id, reason);
  if (!card_answer.ok()) {
    out.card_answer = "no answer: " + card_answer.status().message();
    out.server_answer = "not sent: the card gave no answer to forward";
    out.status = Status(card_answer.status().code(),
                        "cancelling the session on the card failed too: " + card_answer.status().message());
    return out;
  }
  out.card_answer = card_answer->ok() ? "signed (reason " + std::to_string(static_cast<int64_t>(reason)) + ")"
                                      : "error: " + CancelErrorName(*card_answer->errorCode);
  // The card's error answer (it holds no such session) still ends the session at the SM-DP+.
  Status sent = server.CancelSession(transaction_id, card_answer->der);
  out.server_answer = sent.ok() ? "accepted" : sent.message();
  if (!sent.ok()) out.status = Status(sent.code(), "the SM-DP+ was not told the session is cancelled: " + sent.message());
  return out;
}

std::string AuthenticateErrorName(int64_t code) {
  return NameOr(code, {{1, "invalidCertificate"}, {2, "invalidSignature"}, {3, "unsupportedCurve"},
                       {4, "noSessionContext"}, {5, "invalidOid"}, {6, "euiccChallengeMismatch"},
                       {7, "ciPKUnknown"}, {127, "undefinedError"}});
}

std::string PrepareDownloadErrorName(int64_t code) {
  return NameOr(code, {{1, "invalidCertificate"}, {2, "invalidSignature"}, {3, "unsupportedCurve"},
                       {4, "noSessionContext"}, {5, "invalidTransactionId"}, {127, "undefinedError"}});
}

std::string InstallErrorReasonName(int64_t reason) {
  return NameOr(reason, {{1, "incorrectInputValues"}, {2, "invalidSignature"}, {3, "invalidTransactionId"},
                         {4, "unsupportedCrtValues"}, {5, "unsupportedRemoteOperationType"},
                         {6, "unsupportedProfileClass"}, {7, "scp03tStructureError"}, {8, "scp03tSecurityError"},
                         {9, "installFailedDueToIccidAlreadyExistsOnEuicc"},
                         {10, "installFailedDueToInsufficientMemoryForProfile"},
                         {11, "installFailedDueToInterruption"}, {12, "installFailedDueToPEProcessingError"},
                         {13, "installFailedDueToIccidMismatch"}, {14, "testProfileInstallFailedDueToInvalidNaaKey"},
                         {15, "pprNotAllowed"}, {127, "installFailedDueToUnknownError"}});
}

Bytes HashConfirmationCode(const std::string& confirmation_code, ByteView transaction_id) {
  const CryptoLibrary& crypto = Crypto();
  Bytes inner(32);
  unsigned int size = 0;
  crypto.EVP_Digest(confirmation_code.data(), confirmation_code.size(), inner.data(), &size, crypto.EVP_sha256(),
                    nullptr);
  inner.insert(inner.end(), transaction_id.begin(), transaction_id.end());
  Bytes outer(32);
  crypto.EVP_Digest(inner.data(), inner.size(), outer.data(), &size, crypto.EVP_sha256(), nullptr);
  return outer;
}

// ---- Es10DownloadCard -------------------------------------------------------------

Result<Bytes> Es10DownloadCard::GetEuiccChallenge() { return session_.es10().GetEuiccChallenge(); }
Result<Bytes> Es10DownloadCard::GetEuiccInfo1() { return session_.es10().GetEuiccInfo1Der(); }
Result<es10::SessionAnswer> Es10DownloadCard::AuthenticateServer(const es10::AuthenticateServerRequest& request) {
  return session_.es10().AuthenticateServer(request);
}
Result<es10::SessionAnswer> Es10DownloadCard::PrepareDownload(const es10::PrepareDownloadRequest& request) {
  return session_.es10().PrepareDownload(request);
}
Result<Bytes> Es10DownloadCard::LoadPiece(ByteView piece) { return session_.es10().LoadBoundProfilePackagePiece(piece); }
Result<es10::SessionAnswer> Es10DownloadCard::CancelSession(ByteView transaction_id, CancelReason reason) {
  return session_.es10().CancelSession(transaction_id, reason);
}
Status Es10DownloadCard::Reconnect() {
  constexpr uint32_t kReconnectTimeoutMs = 3000;
  return session_.Reestablish(kReconnectTimeoutMs);
}

Result<bool> Es10DownloadCard::HasProfile(const es10::Iccid& iccid) {
  es10::GetProfilesInfoRequest request;
  request.searchCriteria = iccid;
  request.tagList = Bytes{0x5A};
  ESIM_ASSIGN_OR_RETURN(es10::GetProfilesInfoResponse answer, session_.es10().GetProfilesInfo(request));
  if (!answer.profileInfoListOk) {
    return Status(ErrorCode::kEs10Result, "the card could not list its profiles (code " +
                                              std::to_string(answer.profileInfoListError.value_or(-1)) + ")");
  }
  return std::any_of(answer.profileInfoListOk->begin(), answer.profileInfoListOk->end(),
                     [&](const es10::ProfileInfo& info) { return info.iccid == iccid; });
}

// ---- The flow -----------------------------------------------------------------------

Result<DownloadOutcome> DownloadProfile(DownloadCard& card, es9p::Es9PlusServer& server,
                                        const DownloadRequest& request, DownloadUser& user,
                                        DownloadRecorder* recorder) {
  NoRecorder no_recorder;
  DownloadRecorder& record = recorder ? *recorder : no_recorder;
  // 1-2: the card's challenge and EUICCInfo1.
  ESIM_ASSIGN_OR_RETURN(CardGreeting greeting, GreetCard(card, request.euicc_info1));

  // 3: initiateAuthentication. No session exists on the card yet, so nothing to cancel.
  Result<es9p::InitiateAuthenticationAnswer> init =
      server.InitiateAuthentication(greeting.challenge, greeting.euicc_info1, request.smdp_address);
  if (!init.ok()) return ServerFailure(init.status());
  if (Status checked = CheckInitiateAuthentication(*init, greeting.challenge, request.smdp_address, "SM-DP+");
      !checked.ok()) {
    return Status(checked.code(), checked.message() + "; nothing was installed");
  }

  // 4: AuthenticateServer. From here on a failure cancels the session on both sides.
  Session session(card, server, init->transactionId, record);
  es10::AuthenticateServerRequest authenticate =
      AuthenticateServerRequestFor(*init, request.matching_id, request.tac, request.imei);
  Result<es10::SessionAnswer> authenticated = card.AuthenticateServer(authenticate);
  if (!authenticated.ok()) return session.Fail(authenticated.status(), CancelReason::kUndefinedReason);
  if (!authenticated->ok()) {
    // The card ended its session; SGP.22 has the LPA hand the card's error to the SM-DP+ in
    // authenticateClient, which then ends its own (its answer is Failed and changes nothing).
    (void)server.AuthenticateClient(session.transaction_id(), authenticated->der);
    return Status(ErrorCode::kCardRefusedServer, "the card refused the SM-DP+'s authentication: " +
                                                     AuthenticateErrorName(*authenticated->errorCode) +
                                                     "; nothing was installed, this card does not trust that "
                                                     "SM-DP+ (ask the carrier)");
  }

  ESIM_RETURN_IF_ERROR(session.Record(record.Authenticated(session.transaction_id())));

  // 5: authenticateClient: the profile's metadata and smdpSigned2.
  Result<es9p::AuthenticateClientAnswer> client = server.AuthenticateClient(session.transaction_id(), authenticated->der);
  if (!client.ok()) return session.Fail(ServerFailure(client.status()), CancelReason::kUndefinedReason);
  Result<es10::ProfileInfo> metadata = es10::DecodeStoreMetadata(client->profileMetadata);
  if (!metadata.ok()) {
    return session.Fail(Status(ErrorCode::kServerAnswerInvalid, "the SM-DP+'s profile metadata is malformed (" +
                                                                    metadata.status().message() + "); nothing was installed"),
                        CancelReason::kUndefinedReason);
  }
  Result<es10::SmdpSigned2> signed2 = es10::DecodeSmdpSigned2(client->smdpSigned2);
  if (!signed2.ok() || signed2->transactionId != session.transaction_id()) {
    return session.Fail(Status(ErrorCode::kServerAnswerInvalid,
                               "the SM-DP+'s smdpSigned2 is malformed or names another transaction; nothing was installed"),
                        CancelReason::kUndefinedReason);
  }

  ESIM_RETURN_IF_ERROR(session.Record(record.ClientAuthenticated(*metadata)));

  // 6: the user sees the profile, and gives the confirmation code when one is required.
  if (!user.ConfirmProfile(*metadata)) {
    return session.Fail(Status(ErrorCode::kNotConfirmed, "download declined; nothing was installed"),
                        user.DeclineReason());
  }
  std::optional<Bytes> hash_cc;
  if (signed2->ccRequiredFlag) {
    std::optional<std::string> code = request.confirmation_code;
    if (!code) code = user.AskConfirmationCode();
    if (!code) {
      // Postponed: most servers keep the order available for a second try with the code.
      return session.Fail(Status(ErrorCode::kConfirmationCodeRequired,
                                 "the SM-DP+ requires a confirmation code; run the download again with "
                                 "--confirmation-code CODE"),
                          CancelReason::kPostponed);
    }
    hash_cc = HashConfirmationCode(*code, session.transaction_id());
  }
  ESIM_RETURN_IF_ERROR(session.Record(record.StepReached("confirmed")));

  // 7: PrepareDownload.
  es10::PrepareDownloadRequest prepare{client->smdpSigned2, client->smdpSignature2, hash_cc, client->smdpCertificate};
  Result<es10::SessionAnswer> prepared = card.PrepareDownload(prepare);
  if (!prepared.ok()) return session.Fail(prepared.status(), CancelReason::kUndefinedReason);
  if (!prepared->ok()) {
    // As above: the card's error goes to the SM-DP+ in getBoundProfilePackage.
    (void)server.GetBoundProfilePackage(session.transaction_id(), prepared->der);
    return Status(ErrorCode::kCardRefusedServer, "the card refused to prepare the download: " +
                                                     PrepareDownloadErrorName(*prepared->errorCode) +
                                                     "; nothing was installed, ask the carrier");
  }

  ESIM_RETURN_IF_ERROR(session.Record(record.StepReached("prepared")));

  // 8: getBoundProfilePackage (a wrong confirmation code is refused here by the server).
  Result<es9p::GetBoundProfilePackageAnswer> bpp = server.GetBoundProfilePackage(session.transaction_id(), prepared->der);
  if (!bpp.ok()) return session.Fail(ServerFailure(bpp.status()), CancelReason::kUndefinedReason);
  Result<es10::BppPieces> split = es10::SplitBoundProfilePackage(bpp->boundProfilePackage);
  if (!split.ok() || split->transactionId != session.transaction_id()) {
    return session.Fail(Status(ErrorCode::kServerAnswerInvalid,
                               "the SM-DP+'s bound profile package is malformed or names another transaction" +
                                   (split.ok() ? std::string() : " (" + split.status().message() + ")") +
                                   "; nothing was installed"),
                        CancelReason::kLoadBppExecutionError);
  }
  Result<es10::ProfileInfo> bound_metadata = es10::DecodeStoreMetadata(split->storeMetadata);
  if (!bound_metadata.ok() || !(*bound_metadata == *metadata)) {
    return session.Fail(Status(ErrorCode::kServerAnswerInvalid,
                               "the profile the SM-DP+ sent is not the one it described; nothing was installed"),
                        CancelReason::kMetadataMismatch);
  }

  ESIM_RETURN_IF_ERROR(session.Record(record.StepReached("bpp-received")));

  // 9: LoadBoundProfilePackage, piece by piece; any answer with data is the BF37 that ends it.
  DownloadOutcome outcome;
  outcome.metadata = *metadata;
  outcome.transaction_id = session.transaction_id();
  outcome.pieces = split->pieces.size();
  const es10::Iccid iccid = metadata->iccid.value_or("");
  Status interrupted;
  for (size_t i = 0; i < split->pieces.size(); ++i) {
    Result<Bytes> answer = card.LoadPiece(split->pieces[i]);
    if (answer.ok()) {
      user.LoadProgress(i + 1, split->pieces.size());
      // A journal failure mid-load is not a reason to break the card's load off: the card ends
      // it and the outcome below is read from the card either way.
      const bool last = i + 1 == split->pieces.size() || !answer->empty();
      (void)record.StepReached(last ? std::string("loaded")
                                    : "loading " + std::to_string(i + 1) + "/" + std::to_string(split->pieces.size()));
    }
    if (!answer.ok()) {
      interrupted = answer.status();
      break;
    }
    if (answer->empty()) {
      if (i + 1 == split->pieces.size()) {
        interrupted = Status(ErrorCode::kMalformedResponse, "the card gave no installation result");
      }
      continue;
    }
    Result<es10::ProfileInstallationResult> result = es10::DecodeProfileInstallationResult(*answer);
    if (!result.ok()) {
      interrupted = result.status();
      break;
    }
    if (result->success) {
      outcome.result = *result;
      return outcome;
    }
    // The card ended the session itself; its BF37 reaches the SM-DP+ as the install notification.
    int64_t reason = result->errorReason.value_or(127);
    ErrorCode code = reason == 9 ? ErrorCode::kIccidAlreadyInstalled
                     : reason == 10 ? ErrorCode::kNotEnoughMemory
                                    : ErrorCode::kInstallFailed;
    std::string advice = reason == 9    ? "a profile with ICCID " + iccid + " is already on the card"
                         : reason == 10 ? "delete a profile you no longer need and run the download again"
                                        : "nothing was installed; run the download again with a new activation code";
    return Status(code, "the card refused to install the profile: " + InstallErrorReasonName(reason) + " (command " +
                            std::to_string(result->bppCommandId.value_or(-1)) + "); " + advice);
  }

  // The load did not end with a result: what is on the card is the truth (modems lose the
  // last answer while the card installed the profile).
  Result<bool> installed = Status(ErrorCode::kInternal, "not listed");
  const bool answer_lost =
      interrupted.code() == ErrorCode::kReaderError || interrupted.code() == ErrorCode::kCardRemoved;
  if (Status back = answer_lost ? card.Reconnect() : Status::Ok(); !back.ok()) {
    installed = back;
  } else {
    installed = card.HasProfile(iccid);
  }
  if (installed.ok() && *installed) {
    outcome.warning = "the card's answer to the load was lost (" + interrupted.message() +
                      "), but profile " + iccid + " is installed";
    return outcome;
  }
  if (!installed.ok()) {
    return Status(interrupted.code(), "the profile load was interrupted (" + interrupted.message() +
                                          ") and the card could not be listed afterwards (" +
                                          installed.status().message() +
                                          "); run esimctl profile list to see whether it was installed");
  }
  return session.Fail(Status(interrupted.code(), "the profile load was interrupted (" + interrupted.message() +
                                                     "); profile " + iccid +
                                                     " is not on the card, run the download again"),
                      CancelReason::kLoadBppExecutionError);
}

}  // namespace esim
