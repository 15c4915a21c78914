// eUICC-level messages: GetEID (BF3E), GetEUICCInfo1 (BF20), GetEUICCInfo2 (BF22),
// GetEuiccConfiguredAddresses (BF3C), SetDefaultDpAddress (BF3F), eUICCMemoryReset (BF34).
//
// Convention for this file: ToAsn(model, asn) fills an empty asn1c structure
// (kInvalidInput when the model breaks the module); FromAsn(asn, der) reads a
// structure DecodeElement has checked, `der` being the complete input element.

// asn1c_support.h first: it prepares the C library headers for asn1c's asn_system.h.
#include "asn1/asn1c_support.h"
// clang-format off
#include "CertificationDataObject.h"
#include "EUICCInfo1.h"
#include "EUICCInfo2.h"
#include "EuiccConfiguredAddressesRequest.h"
#include "EuiccConfiguredAddressesResponse.h"
#include "EuiccMemoryResetRequest.h"
#include "EuiccMemoryResetResponse.h"
#include "GetEuiccDataRequest.h"
#include "GetEuiccDataResponse.h"
#include "GetEuiccInfo1Request.h"
#include "GetEuiccInfo2Request.h"
#include "SetDefaultDpAddressRequest.h"
#include "SetDefaultDpAddressResponse.h"
#include "asn1/es10_codec.h"
// clang-format on

namespace esim::es10 {

using namespace internal;  // NOLINT(google-build-using-namespace): this file is all glue

namespace {

// SEQUENCE OF SubjectKeyIdentifier (the CI public key identifiers) <-> model lists.
template <typename List>
std::vector<Bytes> FromKeyIds(const List& list) {
  std::vector<Bytes> ids;
  for (const SubjectKeyIdentifier_t* id : Elements(list)) ids.push_back(ToBytes(*id));
  return ids;
}
template <typename List>
void ToKeyIds(const std::vector<Bytes>& ids, List& list) {
  for (const Bytes& id : ids) SetBytes(AppendNew(list), id);
}

// EID: 16 bytes of packed decimal digits (not swapped) <-> 32 digits.
Result<Eid> EidFromBytes(ByteView bytes) {
  std::string hex = ToHex(bytes);
  for (char c : hex) {
    if (c < '0' || c > '9') return Malformed("eidValue: not 32 decimal digits: " + hex);
  }
  return hex;
}

Status EidToBytes(const Eid& eid, OCTET_STRING_t& out) {
  bool digits = eid.size() == 32;
  for (char c : eid) digits = digits && c >= '0' && c <= '9';
  if (!digits) return InvalidInput("eidValue: EID must be 32 decimal digits, got \"" + eid + "\"");
  ESIM_ASSIGN_OR_RETURN(Bytes bytes, FromHex(eid));
  SetBytes(out, bytes);
  return Status::Ok();
}

// ---- GetEID: GetEuiccDataRequest / GetEuiccDataResponse ([62] = BF3E) ---------------------

Status ToAsn(const GetEuiccDataRequest& in, GetEuiccDataRequest_t& out) {
  SetBytes(out.tagList, in.tagList);
  return Status::Ok();
}

Result<GetEuiccDataRequest> FromAsn(const GetEuiccDataRequest_t& in, ByteView) {
  return GetEuiccDataRequest{ToBytes(in.tagList)};
}

Status ToAsn(const GetEuiccDataResponse& in, GetEuiccDataResponse_t& out) {
  return EidToBytes(in.eidValue, out.eidValue);
}

Result<GetEuiccDataResponse> FromAsn(const GetEuiccDataResponse_t& in, ByteView) {
  GetEuiccDataResponse out;
  ESIM_ASSIGN_OR_RETURN(out.eidValue, EidFromBytes(ToBytes(in.eidValue)));
  return out;
}

// ---- GetEUICCInfo1 ([32] = BF20) ------------------------------------------------------------

Status ToAsn(const GetEuiccInfo1Request&, GetEuiccInfo1Request_t&) { return Status::Ok(); }
Result<GetEuiccInfo1Request> FromAsn(const GetEuiccInfo1Request_t&, ByteView) {
  return GetEuiccInfo1Request{};
}

Status ToAsn(const EuiccInfo1& in, EUICCInfo1_t& out) {
  SetBytes(out.svn, in.svn);
  ToKeyIds(in.euiccCiPKIdListForVerification, out.euiccCiPKIdListForVerification.list);
  ToKeyIds(in.euiccCiPKIdListForSigning, out.euiccCiPKIdListForSigning.list);
  return Status::Ok();
}

Result<EuiccInfo1> FromAsn(const EUICCInfo1_t& in, ByteView) {
  EuiccInfo1 out;
  out.svn = ToBytes(in.svn);
  out.euiccCiPKIdListForVerification = FromKeyIds(in.euiccCiPKIdListForVerification.list);
  out.euiccCiPKIdListForSigning = FromKeyIds(in.euiccCiPKIdListForSigning.list);
  return out;
}

// ---- GetEUICCInfo2 ([34] = BF22) ------------------------------------------------------------

Status ToAsn(const GetEuiccInfo2Request&, GetEuiccInfo2Request_t&) { return Status::Ok(); }
Result<GetEuiccInfo2Request> FromAsn(const GetEuiccInfo2Request_t&, ByteView) {
  return GetEuiccInfo2Request{};
}

Status ToAsn(const EuiccInfo2& in, EUICCInfo2_t& out) {
  SetBytes(out.profileVersion, in.profileVersion);
  SetBytes(out.svn, in.svn);
  SetBytes(out.euiccFirmwareVer, in.euiccFirmwareVer);
  SetBytes(out.extCardResource, in.extCardResource);
  SetBitStringBytes(out.uiccCapability, in.uiccCapability);
  if (in.ts102241Version) SetBytes(Emplace(out.ts102241Version), *in.ts102241Version);
  if (in.globalplatformVersion) SetBytes(Emplace(out.globalplatformVersion), *in.globalplatformVersion);
  SetBitStringBytes(out.rspCapability, in.rspCapability);
  ToKeyIds(in.euiccCiPKIdListForVerification, out.euiccCiPKIdListForVerification.list);
  ToKeyIds(in.euiccCiPKIdListForSigning, out.euiccCiPKIdListForSigning.list);
  if (in.euiccCategory) Emplace(out.euiccCategory) = static_cast<long>(*in.euiccCategory);
  if (in.forbiddenProfilePolicyRules) {
    SetBitStringBytes(Emplace(out.forbiddenProfilePolicyRules), *in.forbiddenProfilePolicyRules);
  }
  SetBytes(out.ppVersion, in.ppVersion);
  SetText(out.sasAcreditationNumber, in.sasAcreditationNumber);
  if (in.platformLabel.has_value() != in.discoveryBaseURL.has_value()) {
    return InvalidInput("certificationDataObject needs both platformLabel and discoveryBaseURL");
  }
  if (in.platformLabel) {
    auto& certification = Emplace(out.certificationDataObject);
    SetText(certification.platformLabel, *in.platformLabel);
    SetText(certification.discoveryBaseURL, *in.discoveryBaseURL);
  }
  return Status::Ok();
}

Result<EuiccInfo2> FromAsn(const EUICCInfo2_t& in, ByteView) {
  EuiccInfo2 out;
  out.profileVersion = ToBytes(in.profileVersion);
  out.svn = ToBytes(in.svn);
  out.euiccFirmwareVer = ToBytes(in.euiccFirmwareVer);
  out.extCardResource = ToBytes(in.extCardResource);
  out.uiccCapability = BitStringBytes(in.uiccCapability);
  if (in.ts102241Version != nullptr) out.ts102241Version = ToBytes(*in.ts102241Version);
  if (in.globalplatformVersion != nullptr) out.globalplatformVersion = ToBytes(*in.globalplatformVersion);
  out.rspCapability = BitStringBytes(in.rspCapability);
  out.euiccCiPKIdListForVerification = FromKeyIds(in.euiccCiPKIdListForVerification.list);
  out.euiccCiPKIdListForSigning = FromKeyIds(in.euiccCiPKIdListForSigning.list);
  if (in.euiccCategory != nullptr) out.euiccCategory = *in.euiccCategory;
  if (in.forbiddenProfilePolicyRules != nullptr) {
    out.forbiddenProfilePolicyRules = BitStringBytes(*in.forbiddenProfilePolicyRules);
  }
  out.ppVersion = ToBytes(in.ppVersion);
  out.sasAcreditationNumber = ToText(in.sasAcreditationNumber);
  if (in.certificationDataObject != nullptr) {
    out.platformLabel = ToText(in.certificationDataObject->platformLabel);
    out.discoveryBaseURL = ToText(in.certificationDataObject->discoveryBaseURL);
  }
  return out;
}

// ---- GetEuiccConfiguredAddresses ([60] = BF3C) / SetDefaultDpAddress ([63] = BF3F) ----------

Status ToAsn(const GetEuiccConfiguredAddressesRequest&, EuiccConfiguredAddressesRequest_t&) {
  return Status::Ok();
}
Result<GetEuiccConfiguredAddressesRequest> FromAsn(const EuiccConfiguredAddressesRequest_t&, ByteView) {
  return GetEuiccConfiguredAddressesRequest{};
}

Status ToAsn(const EuiccConfiguredAddressesResponse& in, EuiccConfiguredAddressesResponse_t& out) {
  if (in.defaultDpAddress) SetText(Emplace(out.defaultDpAddress), *in.defaultDpAddress);
  SetText(out.rootDsAddress, in.rootDsAddress);
  return Status::Ok();
}

Result<EuiccConfiguredAddressesResponse> FromAsn(const EuiccConfiguredAddressesResponse_t& in, ByteView) {
  EuiccConfiguredAddressesResponse out;
  if (in.defaultDpAddress != nullptr) out.defaultDpAddress = ToText(*in.defaultDpAddress);
  out.rootDsAddress = ToText(in.rootDsAddress);
  return out;
}

Status ToAsn(const SetDefaultDpAddressRequest& in, SetDefaultDpAddressRequest_t& out) {
  SetText(out.defaultDpAddress, in.defaultDpAddress);
  return Status::Ok();
}

Result<SetDefaultDpAddressRequest> FromAsn(const SetDefaultDpAddressRequest_t& in, ByteView) {
  return SetDefaultDpAddressRequest{ToText(in.defaultDpAddress)};
}

Status ToAsn(const SetDefaultDpAddressResponse& in, SetDefaultDpAddressResponse_t& out) {
  out.setDefaultDpAddressResult = static_cast<long>(in.setDefaultDpAddressResult);
  return Status::Ok();
}

Result<SetDefaultDpAddressResponse> FromAsn(const SetDefaultDpAddressResponse_t& in, ByteView) {
  return SetDefaultDpAddressResponse{in.setDefaultDpAddressResult};
}

// ---- eUICCMemoryReset ([52] = BF34) ---------------------------------------------------------

Status ToAsn(const EuiccMemoryResetRequest& in, EuiccMemoryResetRequest_t& out) {
  SetNamedBits(out.resetOptions, {in.deleteOperationalProfiles, in.deleteFieldLoadedTestProfiles,
                                  in.resetDefaultSmdpAddress});
  return Status::Ok();
}

Result<EuiccMemoryResetRequest> FromAsn(const EuiccMemoryResetRequest_t& in, ByteView) {
  EuiccMemoryResetRequest out;
  out.deleteOperationalProfiles = BitIsSet(in.resetOptions, 0);
  out.deleteFieldLoadedTestProfiles = BitIsSet(in.resetOptions, 1);
  out.resetDefaultSmdpAddress = BitIsSet(in.resetOptions, 2);
  return out;
}

Status ToAsn(const EuiccMemoryResetResponse& in, EuiccMemoryResetResponse_t& out) {
  out.resetResult = static_cast<long>(in.resetResult);
  return Status::Ok();
}

Result<EuiccMemoryResetResponse> FromAsn(const EuiccMemoryResetResponse_t& in, ByteView) {
  return EuiccMemoryResetResponse{in.resetResult};
}

}  // namespace

ESIM_ES10_CODEC(GetEuiccDataRequest, GetEuiccDataRequest)
ESIM_ES10_CODEC(GetEuiccDataResponse, GetEuiccDataResponse)
ESIM_ES10_CODEC(GetEuiccInfo1Request, GetEuiccInfo1Request)
ESIM_ES10_CODEC(EuiccInfo1, EUICCInfo1)
ESIM_ES10_CODEC(GetEuiccInfo2Request, GetEuiccInfo2Request)
ESIM_ES10_CODEC(EuiccInfo2, EUICCInfo2)
ESIM_ES10_CODEC(GetEuiccConfiguredAddressesRequest, EuiccConfiguredAddressesRequest)
ESIM_ES10_CODEC(EuiccConfiguredAddressesResponse, EuiccConfiguredAddressesResponse)
ESIM_ES10_CODEC(SetDefaultDpAddressRequest, SetDefaultDpAddressRequest)
ESIM_ES10_CODEC(SetDefaultDpAddressResponse, SetDefaultDpAddressResponse)
ESIM_ES10_CODEC(EuiccMemoryResetRequest, EuiccMemoryResetRequest)
ESIM_ES10_CODEC(EuiccMemoryResetResponse, EuiccMemoryResetResponse)

}  // namespace esim::es10
