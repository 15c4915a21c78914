// Es10Client: one method per ES10 function the eUICC's ISD-R offers.
//
// Each method encodes the request (asn1/), sends it as STORE DATA over the
// channel the IsdrLocator selected (apdu/), and decodes the response into
// model types. The methods are grouped by GSMA interface like the spec:
// es10a.cc (addresses), es10b.cc (eUICC info, notifications), es10c.cc
// (profiles, EID). Result codes the card reports inside a well-formed answer
// are returned as data, not errors; the caller decides what they mean.
// Not thread-safe: one client per card session.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "asn1/download.h"
#include "asn1/messages.h"
#include "common/status.h"
#include "src/es10/isdr_locator.h"

namespace esim {

class Es10Client {
 public:
  // `locator` must have selected an ISD-R candidate and must outlive the client.
  explicit Es10Client(IsdrLocator& locator) : locator_(locator) {}

  // ---- ES10a -------------------------------------------------------------
  // The default SM-DP+ and root SM-DS addresses.
  Result<es10::EuiccConfiguredAddressesResponse> GetEuiccConfiguredAddresses();
  // Sets the default SM-DP+ address (empty clears it); returns the card's result code.
  Result<int64_t> SetDefaultDpAddress(const std::string& address);

  // ---- ES10b -------------------------------------------------------------
  // EUICCInfo1: SVN and CI key identifiers.
  Result<es10::EuiccInfo1> GetEuiccInfo1();
  // EUICCInfo2: versions, free memory, capabilities, CI key identifiers.
  Result<es10::EuiccInfo2> GetEuiccInfo2();
  // Metadata of the pending notifications (all, or those matching `events`).
  Result<es10::ListNotificationResponse> ListNotification(
      std::optional<es10::NotificationEvents> events = std::nullopt);
  // The signed pending notifications (all, or the one with `seq_number`).
  Result<es10::RetrieveNotificationsListResponse> RetrieveNotificationsList(
      std::optional<int64_t> seq_number = std::nullopt);
  // Removes notification `seq_number` from the card (NotificationSent); the card's result code.
  Result<int64_t> RemoveNotificationFromList(int64_t seq_number);
  // The Rules Authorisation Table (GetRAT, es10b_rat.cc): who may set which PPR.
  Result<es10::RulesAuthorisationTable> GetRat();

  // ---- ES10b: profile download (es10b_download.cc) --------------------------
  // The answers that go on to the SM-DP+ keep the card's exact DER (SessionAnswer::der).
  // The 16-byte euiccChallenge (GetEuiccChallenge; discards any unfinished session on the card).
  Result<Bytes> GetEuiccChallenge();
  // EUICCInfo1 as the card sent it (BF20 ...), checked to decode; forwarded whole to the SM-DP+.
  Result<Bytes> GetEuiccInfo1Der();
  // AuthenticateServer: the card's Ok (to forward) or Error code.
  Result<es10::SessionAnswer> AuthenticateServer(const es10::AuthenticateServerRequest& request);
  // PrepareDownload: the card's Ok (to forward) or Error code.
  Result<es10::SessionAnswer> PrepareDownload(const es10::PrepareDownloadRequest& request);
  // One piece of a bound profile package (es10::SplitBoundProfilePackage) as its own STORE DATA
  // sequence; the answer's data: empty for an intermediate 9000, else the card's BF37.
  Result<Bytes> LoadBoundProfilePackagePiece(ByteView piece);
  // CancelSession: the card's signed Ok (to forward) or Error code.
  Result<es10::SessionAnswer> CancelSession(ByteView transaction_id, es10::CancelReason reason);

  // ---- ES10c -------------------------------------------------------------
  // The EID; fails with kMalformedResponse when its check digits are wrong.
  Result<es10::Eid> GetEid();
  // ProfileInfo for the profiles matching `request`.
  Result<es10::GetProfilesInfoResponse> GetProfilesInfo(const es10::GetProfilesInfoRequest& request);
  // EnableProfile / DisableProfile / DeleteProfile: the card's result code (0 = ok).
  Result<int64_t> EnableProfile(const es10::ProfileId& id, bool refresh);
  Result<int64_t> DisableProfile(const es10::ProfileId& id, bool refresh);
  Result<int64_t> DeleteProfile(const es10::ProfileId& id);
  // Sets (or, with an empty name, clears) a profile's nickname; the card's result code.
  Result<int64_t> SetNickname(const es10::Iccid& iccid, const std::string& nickname);
  // eUICCMemoryReset with the given options; the card's result code.
  Result<int64_t> EuiccMemoryReset(const es10::EuiccMemoryResetRequest& request);

  // ---- Dry run -----------------------------------------------------------
  // A state-changing ES10 request, as --dry-run shows it.
  using ChangeRequest =
      std::variant<es10::EnableProfileRequest, es10::DisableProfileRequest, es10::DeleteProfileRequest,
                   es10::SetNicknameRequest, es10::EuiccMemoryResetRequest,
                   es10::SetDefaultDpAddressRequest, es10::NotificationSentRequest>;
  // The encoded STORE DATA APDUs that sending `request` would transmit on this channel; sends nothing.
  Result<std::vector<Bytes>> PlanCommand(const ChangeRequest& request);

  // The number of ES10 requests sent so far (for diagnostics and benchmarks).
  uint64_t requests_sent() const { return requests_sent_; }

 private:
  // Sends `request` and decodes the answer as `Response`. Until the ISD-R is
  // confirmed, an answer that is not a valid `Response` moves the locator to
  // the next candidate AID and the request is sent again there.
  template <typename Response, typename Request>
  Result<Response> Call(const Request& request);
  // Like Call, with an extra check a decoded answer must pass to confirm the ISD-R.
  template <typename Response, typename Request, typename Check>
  Result<Response> CallChecked(const Request& request, Check&& confirms_isdr);

  // Sends the encoded `request` and decodes the answer with `decode` (a function of ByteView
  // returning Result<T>), confirming the ISD-R like CallChecked.
  template <typename Decoder>
  auto CallEncoded(ByteView request, Decoder&& decode) -> decltype(decode(ByteView{}));

  IsdrLocator& locator_;
  uint64_t requests_sent_ = 0;
};

}  // namespace esim
