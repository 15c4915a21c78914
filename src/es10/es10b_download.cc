// ES10b: the profile download functions (SGP.22 §5.7.13-5.7.17), over asn1/download.h.
//
// Each call is one ES10 request through the StoreDataChannel, so a long request (a 1020-byte
// BPP segment) goes as 255-byte blocks on short APDUs and as one APDU with extended length,
// and GET RESPONSE is used only when the card announces a real answer (61xx).
#include "asn1/download.h"
#include "src/es10/es10_call.h"

namespace esim {

Result<Bytes> Es10Client::GetEuiccChallenge() {
  return CallEncoded(es10::EncodeGetEuiccChallengeRequest(), es10::DecodeGetEuiccChallengeResponse);
}

Result<Bytes> Es10Client::GetEuiccInfo1Der() {
  return CallEncoded(es10::EncodeGetEuiccInfo1Request(), [](ByteView der) -> Result<Bytes> {
    ESIM_RETURN_IF_ERROR(es10::Decode<es10::EuiccInfo1>(der).status());
    return Bytes(der.begin(), der.end());
  });
}

Result<es10::SessionAnswer> Es10Client::AuthenticateServer(const es10::AuthenticateServerRequest& request) {
  ESIM_ASSIGN_OR_RETURN(Bytes encoded, es10::EncodeAuthenticateServerRequest(request));
  return CallEncoded(encoded, es10::DecodeAuthenticateServerResponse);
}

Result<es10::SessionAnswer> Es10Client::PrepareDownload(const es10::PrepareDownloadRequest& request) {
  ESIM_ASSIGN_OR_RETURN(Bytes encoded, es10::EncodePrepareDownloadRequest(request));
  return CallEncoded(encoded, es10::DecodePrepareDownloadResponse);
}

Result<Bytes> Es10Client::LoadBoundProfilePackagePiece(ByteView piece) {
  // Not through CallEncoded: a piece is never re-sent to another AID (the ISD-R is confirmed
  // by the challenge before the load starts), and an empty answer is the normal one.
  ++requests_sent_;
  return locator_.channel().Send(piece);
}

Result<es10::SessionAnswer> Es10Client::CancelSession(ByteView transaction_id, es10::CancelReason reason) {
  return CallEncoded(es10::EncodeCancelSessionRequest(transaction_id, reason), es10::DecodeCancelSessionResponse);
}

}  // namespace esim
