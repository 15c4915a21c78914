// The ES10b download messages (SGP.22 §5.7: GetEuiccChallenge, AuthenticateServer,
// PrepareDownload, LoadBoundProfilePackage) and the pieces of a bound profile package.
//
// Unlike the other ES10 messages (es10_codec.h, asn1c), these carry the SM-DP+'s signed data,
// which must reach the card byte for byte as the server sent it: the requests take those
// members as whole TLVs (RawTlv) and never re-encode them, and the answers keep the card's whole
// DER to forward to the server. Built on the composed TLV helpers of asn1/tlv.h. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "asn1/messages.h"
#include "common/bytes.h"
#include "common/status.h"

namespace esim::es10 {

// ---- GetEuiccChallenge (BF2E) ----------------------------------------------------
// The request (BF2E 00).
Bytes EncodeGetEuiccChallengeRequest();
// The 16-byte euiccChallenge from `BF2E { 80 challenge }`.
Result<Bytes> DecodeGetEuiccChallengeResponse(ByteView der);
// GetEuiccInfo1's request (BF20 00); its answer is forwarded whole (checked with
// Decode<EuiccInfo1> of es10_codec.h).
Bytes EncodeGetEuiccInfo1Request();

// ---- AuthenticateServer (BF38) -----------------------------------------------------
// ctxParams1 (CtxParamsForCommonAuthentication).
struct CtxParams1 {
  std::optional<std::string> matchingId;  // absent when the user gave none
  Bytes tac;                              // 4 bytes
  Bytes deviceCapabilities;               // content of A1 (may be empty)
  std::optional<Bytes> imei;              // 8 bytes
};
struct AuthenticateServerRequest {
  // Whole TLVs exactly as the SM-DP+ sent them (base64-decoded).
  Bytes serverSigned1;        // 30 ...
  Bytes serverSignature1;     // 5F37 40 ...
  Bytes euiccCiPKIdToBeUsed;  // 04 14 ...
  Bytes serverCertificate;    // 30 ...
  CtxParams1 ctxParams1;
};
// Fails with kMalformedResponse if a forwarded member is not one TLV of its tag (the server's
// data is checked before it reaches the card).
Result<Bytes> EncodeAuthenticateServerRequest(const AuthenticateServerRequest& request);

// serverSigned1's members (read to check them against what the LPA sent).
struct ServerSigned1 {
  Bytes transactionId;
  Bytes euiccChallenge;
  std::string serverAddress;
  Bytes serverChallenge;
};
Result<ServerSigned1> DecodeServerSigned1(ByteView der);

// The answer to AuthenticateServer or PrepareDownload: Ok (forwarded whole to the server) or
// Error (a code).
struct SessionAnswer {
  Bytes der;                       // the whole BF38 / BF21 answer as the card sent it
  std::optional<Bytes> transactionId;
  std::optional<int64_t> errorCode;  // set for the Error alternative
  bool ok() const { return !errorCode.has_value(); }
};
Result<SessionAnswer> DecodeAuthenticateServerResponse(ByteView der);

// ---- PrepareDownload (BF21) -------------------------------------------------------
struct PrepareDownloadRequest {
  Bytes smdpSigned2;          // 30 ..., whole, as received
  Bytes smdpSignature2;       // 5F37 40 ..., whole
  std::optional<Bytes> hashCc;  // 32 bytes, when ccRequiredFlag
  Bytes smdpCertificate;      // 30 ..., whole
};
Result<Bytes> EncodePrepareDownloadRequest(const PrepareDownloadRequest& request);
struct SmdpSigned2 {
  Bytes transactionId;
  bool ccRequiredFlag = false;
  std::optional<Bytes> bppEuiccOtpk;
};
Result<SmdpSigned2> DecodeSmdpSigned2(ByteView der);
Result<SessionAnswer> DecodePrepareDownloadResponse(ByteView der);

// ---- CancelSession (BF41) ---------------------------------------------------------
// SGP.22 CancelSessionReason.
enum class CancelReason : int64_t {
  kEndUserRejection = 0,
  kPostponed = 1,
  kTimeout = 2,
  kPprNotAllowed = 3,
  kMetadataMismatch = 4,
  kLoadBppExecutionError = 5,
  kUndefinedReason = 127,
};
Bytes EncodeCancelSessionRequest(ByteView transaction_id, CancelReason reason);
// The answer: Ok forwarded whole; Error with its code (5 invalidTransactionId, 127 undefined).
Result<SessionAnswer> DecodeCancelSessionResponse(ByteView der);

// ---- The bound profile package (BF36) --------------------------------------------
struct BppPieces {
  // What the LPA sends, each as its own STORE DATA sequence, in order (download-facts §3):
  // BF36 header + BF23; A0 whole; A1 header; each 88; A2 whole (if present); A3 header; each 86.
  std::vector<Bytes> pieces;
  Bytes transactionId;   // from BF23
  // StoreMetadataRequest (BF25) rebuilt from the 88 segments' payloads (MAC removed).
  Bytes storeMetadata;
};
// Splits a whole BPP; kMalformedResponse naming the part that is wrong (the server's BPP is
// checked before anything reaches the card).
Result<BppPieces> SplitBoundProfilePackage(ByteView bpp);

// StoreMetadataRequest (BF25) as the profile it describes: iccid, names, icon, class,
// notification configuration, owner, policy rules (the members it shares with ProfileInfo).
Result<ProfileInfo> DecodeStoreMetadata(ByteView der);

// ---- ProfileInstallationResult (BF37) --------------------------------------------
// Decodes the card's final answer to the load (the same BF37 it keeps as the install
// notification).
Result<ProfileInstallationResult> DecodeProfileInstallationResult(ByteView der);

}  // namespace esim::es10
