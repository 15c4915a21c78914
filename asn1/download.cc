// The ES10b download messages and the bound profile package's pieces, over asn1/tlv.h.
#include "asn1/download.h"

#include "asn1/es10_codec.h"
#include "asn1/tlv.h"

namespace esim::es10 {
namespace {

using tlv::Element;
using tlv::TlvReader;

Status Malformed(std::string message) { return Status(ErrorCode::kMalformedResponse, std::move(message)); }

// `whole` must be exactly one TLV with tag `tag`.
Status CheckWhole(ByteView whole, uint32_t tag, const std::string& what) {
  return tlv::ReadOnly(whole, tag, what).status();
}

Bytes Copy(ByteView view) { return Bytes(view.begin(), view.end()); }

// The Ok/Error answer shared by AuthenticateServer (BF38), PrepareDownload (BF21) and
// CancelSession (BF41): A0 Ok { ... } or A1 Error { 80 transactionId?, 02 code } (CancelSession's
// error is a bare 81 code).
Result<SessionAnswer> DecodeSessionAnswer(ByteView der, uint32_t outer, const std::string& what,
                                          bool ok_starts_with_signed) {
  ESIM_ASSIGN_OR_RETURN(Element answer, tlv::ReadOnly(der, outer, what));
  TlvReader members(answer.value, what);
  SessionAnswer out;
  out.der = Copy(der);
  ESIM_ASSIGN_OR_RETURN(std::optional<Element> ok, members.Optional(0xA0));
  if (ok) {
    if (ok_starts_with_signed) {
      TlvReader ok_members(ok->value, what + " Ok");
      ESIM_ASSIGN_OR_RETURN(Element signed_part, ok_members.Required(0x30, "signed data"));
      TlvReader signed_members(signed_part.value, what + " signed data");
      ESIM_ASSIGN_OR_RETURN(Element tid, signed_members.Required(0x80, "transactionId"));
      out.transactionId = Copy(tid.value);
      ESIM_RETURN_IF_ERROR(ok_members.Required(0x5F37, "signature").status());
    }
    ESIM_RETURN_IF_ERROR(members.ExpectDone());
    return out;
  }
  if (outer == 0xBF41) {
    ESIM_ASSIGN_OR_RETURN(Element code, members.Required(0x81, "cancelSessionResponseError"));
    ESIM_ASSIGN_OR_RETURN(out.errorCode, tlv::ToInteger(code, "cancelSessionResponseError"));
    return out;
  }
  ESIM_ASSIGN_OR_RETURN(Element error, members.Required(0xA1, "Ok (A0) or Error (A1)"));
  TlvReader error_members(error.value, what + " Error");
  ESIM_ASSIGN_OR_RETURN(std::optional<Element> tid, error_members.Optional(0x80));
  if (tid) out.transactionId = Copy(tid->value);
  ESIM_ASSIGN_OR_RETURN(Element code, error_members.Required(0x02, "error code"));
  ESIM_ASSIGN_OR_RETURN(out.errorCode, tlv::ToInteger(code, "error code"));
  return out;
}

}  // namespace

Bytes EncodeGetEuiccChallengeRequest() { return Bytes{0xBF, 0x2E, 0x00}; }
Bytes EncodeGetEuiccInfo1Request() { return Bytes{0xBF, 0x20, 0x00}; }

Result<Bytes> DecodeGetEuiccChallengeResponse(ByteView der) {
  ESIM_ASSIGN_OR_RETURN(Element answer, tlv::ReadOnly(der, 0xBF2E, "GetEuiccChallengeResponse"));
  TlvReader members(answer.value, "GetEuiccChallengeResponse");
  ESIM_ASSIGN_OR_RETURN(Element challenge, members.Required(0x80, "euiccChallenge"));
  if (challenge.value.size() != 16) {
    return Malformed("GetEuiccChallengeResponse: euiccChallenge has " + std::to_string(challenge.value.size()) +
                     " bytes, not 16");
  }
  return Copy(challenge.value);
}

Result<Bytes> EncodeAuthenticateServerRequest(const AuthenticateServerRequest& request) {
  ESIM_RETURN_IF_ERROR(CheckWhole(request.serverSigned1, 0x30, "serverSigned1"));
  ESIM_RETURN_IF_ERROR(CheckWhole(request.serverSignature1, 0x5F37, "serverSignature1"));
  ESIM_RETURN_IF_ERROR(CheckWhole(request.euiccCiPKIdToBeUsed, 0x04, "euiccCiPKIdToBeUsed"));
  ESIM_RETURN_IF_ERROR(CheckWhole(request.serverCertificate, 0x30, "serverCertificate"));
  const CtxParams1& ctx = request.ctxParams1;
  if (ctx.tac.size() != 4) return Status(ErrorCode::kInvalidInput, "the TAC must be 4 bytes");
  if (ctx.imei && ctx.imei->size() != 8) return Status(ErrorCode::kInvalidInput, "the IMEI must be 8 bytes");
  Bytes device_info;
  tlv::AppendTlv(device_info, 0x80, ctx.tac);
  tlv::AppendTlv(device_info, 0xA1, ctx.deviceCapabilities);
  if (ctx.imei) tlv::AppendTlv(device_info, 0x82, *ctx.imei);
  Bytes common_auth;  // ctxParamsForCommonAuthentication [0]
  if (ctx.matchingId) {
    tlv::AppendTlv(common_auth, 0x80, ByteView(reinterpret_cast<const uint8_t*>(ctx.matchingId->data()),
                                               ctx.matchingId->size()));
  }
  tlv::AppendTlv(common_auth, 0xA1, device_info);
  Bytes body;
  for (const Bytes* raw : {&request.serverSigned1, &request.serverSignature1, &request.euiccCiPKIdToBeUsed,
                           &request.serverCertificate}) {
    body.insert(body.end(), raw->begin(), raw->end());
  }
  tlv::AppendTlv(body, 0xA0, common_auth);
  return tlv::MakeTlv(0xBF38, body);
}

Result<ServerSigned1> DecodeServerSigned1(ByteView der) {
  ESIM_ASSIGN_OR_RETURN(Element outer, tlv::ReadOnly(der, 0x30, "serverSigned1"));
  TlvReader members(outer.value, "serverSigned1");
  ServerSigned1 out;
  ESIM_ASSIGN_OR_RETURN(Element tid, members.Required(0x80, "transactionId"));
  ESIM_ASSIGN_OR_RETURN(Element challenge, members.Required(0x81, "euiccChallenge"));
  ESIM_ASSIGN_OR_RETURN(Element address, members.Required(0x83, "serverAddress"));
  ESIM_ASSIGN_OR_RETURN(Element server_challenge, members.Required(0x84, "serverChallenge"));
  if (tid.value.empty() || tid.value.size() > 16) return Malformed("serverSigned1: transactionId must be 1-16 bytes");
  out.transactionId = Copy(tid.value);
  out.euiccChallenge = Copy(challenge.value);
  out.serverAddress.assign(address.value.begin(), address.value.end());
  out.serverChallenge = Copy(server_challenge.value);
  return out;
}

Result<SessionAnswer> DecodeAuthenticateServerResponse(ByteView der) {
  return DecodeSessionAnswer(der, 0xBF38, "AuthenticateServerResponse", /*ok_starts_with_signed=*/true);
}

Result<Bytes> EncodePrepareDownloadRequest(const PrepareDownloadRequest& request) {
  ESIM_RETURN_IF_ERROR(CheckWhole(request.smdpSigned2, 0x30, "smdpSigned2"));
  ESIM_RETURN_IF_ERROR(CheckWhole(request.smdpSignature2, 0x5F37, "smdpSignature2"));
  ESIM_RETURN_IF_ERROR(CheckWhole(request.smdpCertificate, 0x30, "smdpCertificate"));
  if (request.hashCc && request.hashCc->size() != 32) return Status(ErrorCode::kInvalidInput, "hashCc must be 32 bytes");
  Bytes body;
  body.insert(body.end(), request.smdpSigned2.begin(), request.smdpSigned2.end());
  body.insert(body.end(), request.smdpSignature2.begin(), request.smdpSignature2.end());
  if (request.hashCc) tlv::AppendTlv(body, 0x04, *request.hashCc);
  body.insert(body.end(), request.smdpCertificate.begin(), request.smdpCertificate.end());
  return tlv::MakeTlv(0xBF21, body);
}

Result<SmdpSigned2> DecodeSmdpSigned2(ByteView der) {
  ESIM_ASSIGN_OR_RETURN(Element outer, tlv::ReadOnly(der, 0x30, "smdpSigned2"));
  TlvReader members(outer.value, "smdpSigned2");
  SmdpSigned2 out;
  ESIM_ASSIGN_OR_RETURN(Element tid, members.Required(0x80, "transactionId"));
  ESIM_ASSIGN_OR_RETURN(Element flag, members.Required(0x01, "ccRequiredFlag"));
  ESIM_ASSIGN_OR_RETURN(std::optional<Element> otpk, members.Optional(0x5F49));
  if (flag.value.size() != 1) return Malformed("smdpSigned2: ccRequiredFlag is not a BOOLEAN");
  out.transactionId = Copy(tid.value);
  out.ccRequiredFlag = flag.value[0] != 0;
  if (otpk) out.bppEuiccOtpk = Copy(otpk->value);
  return out;
}

Result<SessionAnswer> DecodePrepareDownloadResponse(ByteView der) {
  return DecodeSessionAnswer(der, 0xBF21, "PrepareDownloadResponse", /*ok_starts_with_signed=*/true);
}

Bytes EncodeCancelSessionRequest(ByteView transaction_id, CancelReason reason) {
  Bytes body;
  tlv::AppendTlv(body, 0x80, transaction_id);
  tlv::AppendTlv(body, 0x81, tlv::IntegerContent(static_cast<int64_t>(reason)));
  return tlv::MakeTlv(0xBF41, body);
}

Result<SessionAnswer> DecodeCancelSessionResponse(ByteView der) {
  return DecodeSessionAnswer(der, 0xBF41, "CancelSessionResponse", /*ok_starts_with_signed=*/true);
}

Result<BppPieces> SplitBoundProfilePackage(ByteView bpp) {
  ESIM_ASSIGN_OR_RETURN(Element outer, tlv::ReadOnly(bpp, 0xBF36, "BoundProfilePackage"));
  TlvReader members(outer.value, "BoundProfilePackage");
  BppPieces out;
  ESIM_ASSIGN_OR_RETURN(Element init, members.Required(0xBF23, "initialiseSecureChannelRequest"));
  {
    TlvReader init_members(init.value, "initialiseSecureChannelRequest");
    ESIM_RETURN_IF_ERROR(init_members.Required(0x82, "remoteOpId").status());
    ESIM_ASSIGN_OR_RETURN(Element tid, init_members.Required(0x80, "transactionId"));
    out.transactionId = Copy(tid.value);
  }
  // (1) BF36 header + BF23.
  Bytes first(bpp.begin(), bpp.begin() + static_cast<std::ptrdiff_t>(outer.whole.size() - outer.value.size()));
  first.insert(first.end(), init.whole.begin(), init.whole.end());
  out.pieces.push_back(std::move(first));
  // (2) A0 whole.
  ESIM_ASSIGN_OR_RETURN(Element a0, members.Required(0xA0, "firstSequenceOf87"));
  ESIM_RETURN_IF_ERROR(CheckWhole(a0.value, 0x87, "firstSequenceOf87's ConfigureISDP segment"));
  out.pieces.push_back(Copy(a0.whole));
  // (3) A1 header, (4) each 88.
  auto header_of = [](const Element& e) {
    return Bytes(e.whole.begin(), e.whole.begin() + static_cast<std::ptrdiff_t>(e.whole.size() - e.value.size()));
  };
  ESIM_ASSIGN_OR_RETURN(Element a1, members.Required(0xA1, "sequenceOf88"));
  out.pieces.push_back(header_of(a1));
  TlvReader a1_members(a1.value, "sequenceOf88");
  ESIM_ASSIGN_OR_RETURN(std::vector<Element> segments88, a1_members.List(0x88));
  ESIM_RETURN_IF_ERROR(a1_members.ExpectDone());
  if (segments88.empty()) return Malformed("BoundProfilePackage: sequenceOf88 is empty");
  for (const Element& segment : segments88) {
    // Each member is `88 L payload MAC`; SEQUENCE OF [8] OCTET STRING lets a server also wrap
    // that whole segment in a second 88 (the third-party SM-DP+ of bsp-vectors.json does).
    // The piece sent is the member as received either way; a payload of StoreMetadata starts
    // with BF25, never 88, so the two forms cannot be confused.
    ByteView protected_segment = segment.value;
    if (Result<Element> inner = tlv::ReadOnly(segment.value, 0x88, "88 segment"); inner.ok()) {
      protected_segment = inner->value;
    }
    if (protected_segment.size() < 8) return Malformed("BoundProfilePackage: an 88 segment is shorter than its MAC");
    out.storeMetadata.insert(out.storeMetadata.end(), protected_segment.begin(), protected_segment.end() - 8);
    out.pieces.push_back(Copy(segment.whole));
  }
  // (5) A2 whole, if present.
  ESIM_ASSIGN_OR_RETURN(std::optional<Element> a2, members.Optional(0xA2));
  if (a2) {
    ESIM_RETURN_IF_ERROR(CheckWhole(a2->value, 0x87, "secondSequenceOf87's ReplaceSessionKeys segment"));
    out.pieces.push_back(Copy(a2->whole));
  }
  // (6) A3 header, (7) each 86.
  ESIM_ASSIGN_OR_RETURN(Element a3, members.Required(0xA3, "sequenceOf86"));
  ESIM_RETURN_IF_ERROR(members.ExpectDone());
  out.pieces.push_back(header_of(a3));
  TlvReader a3_members(a3.value, "sequenceOf86");
  ESIM_ASSIGN_OR_RETURN(std::vector<Element> segments86, a3_members.List(0x86));
  ESIM_RETURN_IF_ERROR(a3_members.ExpectDone());
  if (segments86.empty()) return Malformed("BoundProfilePackage: sequenceOf86 is empty");
  for (const Element& segment : segments86) out.pieces.push_back(Copy(segment.whole));
  return out;
}

Result<ProfileInfo> DecodeStoreMetadata(ByteView der) {
  // StoreMetadataRequest shares ProfileInfo's member tags (download-facts §2) and lists them in
  // ProfileInfo's order: the same members under E3 decode with ProfileInfo's checked decoder.
  ESIM_ASSIGN_OR_RETURN(Element metadata, tlv::ReadOnly(der, 0xBF25, "StoreMetadataRequest"));
  TlvReader members(metadata.value, "StoreMetadataRequest");
  ESIM_RETURN_IF_ERROR(members.Required(0x5A, "iccid").status());
  ESIM_RETURN_IF_ERROR(members.Find(0x91, "serviceProviderName").status());
  ESIM_RETURN_IF_ERROR(members.Required(0x92, "profileName").status());
  Bytes as_profile_info = tlv::MakeTlv(0xE3, metadata.value);
  Result<ProfileInfo> info = Decode<ProfileInfo>(as_profile_info);
  if (!info.ok()) return info.status().WithContext("StoreMetadataRequest");
  if (info->isdpAid || info->profileState || info->profileNickname) {
    return Malformed("StoreMetadataRequest holds members of ProfileInfo it may not have");
  }
  return info;
}

Result<ProfileInstallationResult> DecodeProfileInstallationResult(ByteView der) {
  ESIM_RETURN_IF_ERROR(tlv::ReadOnly(der, 0xBF37, "ProfileInstallationResult").status());
  ESIM_ASSIGN_OR_RETURN(PendingNotification notification, Decode<PendingNotification>(der));
  auto* result = std::get_if<ProfileInstallationResult>(&notification.value);
  if (!result) return Malformed("ProfileInstallationResult: not BF37");
  return *result;
}

}  // namespace esim::es10
