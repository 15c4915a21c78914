// ES10c profile messages: ProfileInfo (E3), GetProfilesInfo (BF2D),
// EnableProfile (BF31), DisableProfile (BF32), DeleteProfile (BF33), SetNickname (BF29),
// and the ES10b rules authorisation table GetRAT (BF43), which shares OperatorId.
//
// Convention for this file: ToAsn(model, asn) fills an empty asn1c structure
// (kInvalidInput when the model breaks the module); FromAsn(asn, der) reads a
// structure DecodeElement has checked, `der` being the complete input element.

// asn1c_support.h first: it prepares the C library headers for asn1c's asn_system.h.
#include "asn1/asn1c_support.h"
// clang-format off
#include "DeleteProfileRequest.h"
#include "DeleteProfileResponse.h"
#include "DisableProfileRequest.h"
#include "DisableProfileResponse.h"
#include "EnableProfileRequest.h"
#include "EnableProfileResponse.h"
#include "GetRatRequest.h"
#include "GetRatResponse.h"
#include "ProfileInfo.h"
#include "ProfileInfoListRequest.h"
#include "ProfileInfoListResponse.h"
#include "SetNicknameRequest.h"
#include "SetNicknameResponse.h"
#include "asn1/es10_codec.h"
// clang-format on

namespace esim::es10 {

using namespace internal;  // NOLINT(google-build-using-namespace): this file is all glue

namespace {

// INTEGER { named values } -> model enum; values outside the list are malformed.
template <typename Enum>
Result<Enum> ToNamedValue(long value, long last, const char* member) {
  if (value < 0 || value > last) {
    return Malformed(std::string(member) + ": unknown value " + std::to_string(value));
  }
  return static_cast<Enum>(value);
}

}  // namespace

// ---- ProfileInfo ::= [PRIVATE 3] SEQUENCE ----------------------------------------------

namespace {

OperatorId FromAsnOperatorId(const OperatorId_t& in) {
  OperatorId out;
  out.mccMnc = ToBytes(in.mccMnc);
  if (in.gid1 != nullptr) out.gid1 = ToBytes(*in.gid1);
  if (in.gid2 != nullptr) out.gid2 = ToBytes(*in.gid2);
  return out;
}

void ToAsnOperatorId(const OperatorId& in, OperatorId_t& out) {
  SetBytes(out.mccMnc, in.mccMnc);
  if (in.gid1) SetBytes(Emplace(out.gid1), *in.gid1);
  if (in.gid2) SetBytes(Emplace(out.gid2), *in.gid2);
}

Result<ProfileInfo> FromAsnProfileInfo(const ProfileInfo_t& in) {
  ProfileInfo out;
  if (in.iccid != nullptr) {
    ESIM_ASSIGN_OR_RETURN(out.iccid, ToIccid(*in.iccid));
  }
  if (in.isdpAid != nullptr) out.isdpAid = ToBytes(*in.isdpAid);
  if (in.profileState != nullptr) {
    ESIM_ASSIGN_OR_RETURN(out.profileState,
                          ToNamedValue<ProfileState>(*in.profileState, 1, "profileState"));
  }
  if (in.profileNickname != nullptr) out.profileNickname = ToText(*in.profileNickname);
  if (in.serviceProviderName != nullptr) out.serviceProviderName = ToText(*in.serviceProviderName);
  if (in.profileName != nullptr) out.profileName = ToText(*in.profileName);
  if (in.iconType != nullptr) {
    ESIM_ASSIGN_OR_RETURN(out.iconType, ToNamedValue<IconType>(*in.iconType, 1, "iconType"));
  }
  if (in.icon != nullptr) out.icon = ToBytes(*in.icon);
  if (in.profileClass != nullptr) {
    ESIM_ASSIGN_OR_RETURN(out.profileClass,
                          ToNamedValue<ProfileClass>(*in.profileClass, 2, "profileClass"));
  }
  if (in.notificationConfigurationInfo != nullptr) {
    auto& list = out.notificationConfigurationInfo.emplace();
    for (const auto* info : Elements(in.notificationConfigurationInfo->list)) {
      list.push_back({ToEvents(info->profileManagementOperation), ToText(info->notificationAddress)});
    }
  }
  if (in.profileOwner != nullptr) out.profileOwner = FromAsnOperatorId(*in.profileOwner);
  if (in.dpProprietaryData != nullptr) {
    ESIM_ASSIGN_OR_RETURN(out.dpProprietaryData,
                          EncodeMember(MemberOf(asn_DEF_ProfileInfo, "dpProprietaryData"),
                                       in.dpProprietaryData));
  }
  if (in.profilePolicyRules != nullptr) {
    out.profilePolicyRules = ProfilePolicyRules{BitIsSet(*in.profilePolicyRules, 1),
                                                BitIsSet(*in.profilePolicyRules, 2)};
  }
  if (in.serviceSpecificData != nullptr) {
    ESIM_ASSIGN_OR_RETURN(out.serviceSpecificData,
                          EncodeMember(MemberOf(asn_DEF_ProfileInfo, "serviceSpecificData"),
                                       in.serviceSpecificData));
  }
  return out;
}

Status ToAsnProfileInfo(const ProfileInfo& in, ProfileInfo_t& out) {
  if (in.iccid) ESIM_RETURN_IF_ERROR(SetIccid(Emplace(out.iccid), *in.iccid));
  if (in.isdpAid) SetBytes(Emplace(out.isdpAid), *in.isdpAid);
  if (in.profileState) Emplace(out.profileState) = static_cast<long>(*in.profileState);
  if (in.profileNickname) SetText(Emplace(out.profileNickname), *in.profileNickname);
  if (in.serviceProviderName) SetText(Emplace(out.serviceProviderName), *in.serviceProviderName);
  if (in.profileName) SetText(Emplace(out.profileName), *in.profileName);
  if (in.iconType) Emplace(out.iconType) = static_cast<long>(*in.iconType);
  if (in.icon) SetBytes(Emplace(out.icon), *in.icon);
  if (in.profileClass) Emplace(out.profileClass) = static_cast<long>(*in.profileClass);
  if (in.notificationConfigurationInfo) {
    auto& list = Emplace(out.notificationConfigurationInfo).list;
    for (const NotificationConfigurationInformation& info : *in.notificationConfigurationInfo) {
      auto& element = AppendNew(list);
      SetEvents(element.profileManagementOperation, info.profileManagementOperation);
      SetText(element.notificationAddress, info.notificationAddress);
    }
  }
  if (in.profileOwner) ToAsnOperatorId(*in.profileOwner, Emplace(out.profileOwner));
  if (in.dpProprietaryData) {
    void* value = nullptr;
    Status status = DecodeMember(MemberOf(asn_DEF_ProfileInfo, "dpProprietaryData"),
                                 *in.dpProprietaryData, &value);
    out.dpProprietaryData = static_cast<DpProprietaryData_t*>(value);  // owned by `out` even on error
    ESIM_RETURN_IF_ERROR(status);
  }
  if (in.profilePolicyRules) {
    SetNamedBits(Emplace(out.profilePolicyRules),
                 {false, in.profilePolicyRules->ppr1, in.profilePolicyRules->ppr2});
  }
  if (in.serviceSpecificData) {
    void* value = nullptr;
    Status status = DecodeMember(MemberOf(asn_DEF_ProfileInfo, "serviceSpecificData"),
                                 *in.serviceSpecificData, &value);
    out.serviceSpecificData = static_cast<decltype(out.serviceSpecificData)>(value);
    ESIM_RETURN_IF_ERROR(status);
  }
  return Status::Ok();
}

Status ToAsn(const ProfileInfo& in, ProfileInfo_t& out) { return ToAsnProfileInfo(in, out); }
Result<ProfileInfo> FromAsn(const ProfileInfo_t& in, ByteView) { return FromAsnProfileInfo(in); }

// ---- GetProfilesInfo: ProfileInfoListRequest / ProfileInfoListResponse ([45] = BF2D) ----

Status ToAsn(const GetProfilesInfoRequest& in, ProfileInfoListRequest_t& out) {
  if (in.searchCriteria) {
    auto& criteria = Emplace(out.searchCriteria);
    if (const auto* aid = std::get_if<IsdpAid>(&*in.searchCriteria)) {
      criteria.present = ProfileInfoListRequest__searchCriteria_PR_isdpAid;
      SetBytes(criteria.choice.isdpAid, aid->aid);
    } else if (const auto* iccid = std::get_if<Iccid>(&*in.searchCriteria)) {
      criteria.present = ProfileInfoListRequest__searchCriteria_PR_iccid;
      ESIM_RETURN_IF_ERROR(SetIccid(criteria.choice.iccid, *iccid));
    } else {
      criteria.present = ProfileInfoListRequest__searchCriteria_PR_profileClass;
      criteria.choice.profileClass = static_cast<long>(std::get<ProfileClass>(*in.searchCriteria));
    }
  }
  if (in.tagList) SetBytes(Emplace(out.tagList), *in.tagList);
  return Status::Ok();
}

Result<GetProfilesInfoRequest> FromAsn(const ProfileInfoListRequest_t& in, ByteView) {
  GetProfilesInfoRequest out;
  if (in.searchCriteria != nullptr) {
    const auto& criteria = *in.searchCriteria;
    switch (criteria.present) {
      case ProfileInfoListRequest__searchCriteria_PR_isdpAid:
        out.searchCriteria = IsdpAid{ToBytes(criteria.choice.isdpAid)};
        break;
      case ProfileInfoListRequest__searchCriteria_PR_iccid: {
        ESIM_ASSIGN_OR_RETURN(Iccid iccid, ToIccid(criteria.choice.iccid));
        out.searchCriteria = std::move(iccid);
        break;
      }
      case ProfileInfoListRequest__searchCriteria_PR_profileClass: {
        ESIM_ASSIGN_OR_RETURN(ProfileClass profile_class,
                              ToNamedValue<ProfileClass>(criteria.choice.profileClass, 2,
                                                         "searchCriteria.profileClass"));
        out.searchCriteria = profile_class;
        break;
      }
      default:
        return Malformed("searchCriteria: no known alternative");
    }
  }
  if (in.tagList != nullptr) out.tagList = ToBytes(*in.tagList);
  return out;
}

Status ToAsn(const GetProfilesInfoResponse& in, ProfileInfoListResponse_t& out) {
  if (in.profileInfoListOk.has_value() == in.profileInfoListError.has_value()) {
    return InvalidInput("exactly one of profileInfoListOk and profileInfoListError must be set");
  }
  if (in.profileInfoListError) {
    out.present = ProfileInfoListResponse_PR_profileInfoListError;
    out.choice.profileInfoListError = static_cast<long>(*in.profileInfoListError);
    return Status::Ok();
  }
  out.present = ProfileInfoListResponse_PR_profileInfoListOk;
  for (size_t i = 0; i < in.profileInfoListOk->size(); ++i) {
    Status status = ToAsnProfileInfo((*in.profileInfoListOk)[i], AppendNew(out.choice.profileInfoListOk.list));
    if (!status.ok()) return status.WithContext("profileInfoListOk[" + std::to_string(i) + "]");
  }
  return Status::Ok();
}

Result<GetProfilesInfoResponse> FromAsn(const ProfileInfoListResponse_t& in, ByteView) {
  GetProfilesInfoResponse out;
  switch (in.present) {
    case ProfileInfoListResponse_PR_profileInfoListOk: {
      auto& profiles = out.profileInfoListOk.emplace();
      for (const ProfileInfo_t* info : Elements(in.choice.profileInfoListOk.list)) {
        Result<ProfileInfo> profile = FromAsnProfileInfo(*info);
        if (!profile.ok()) {
          return profile.status().WithContext("profileInfoListOk[" + std::to_string(profiles.size()) + "]");
        }
        profiles.push_back(std::move(*profile));
      }
      return out;
    }
    case ProfileInfoListResponse_PR_profileInfoListError:
      out.profileInfoListError = in.choice.profileInfoListError;
      return out;
    default:
      return Malformed("neither profileInfoListOk nor profileInfoListError");
  }
}

// ---- EnableProfile ([49] = BF31) / DisableProfile ([50] = BF32) ------------------------

Status ToAsn(const EnableProfileRequest& in, EnableProfileRequest_t& out) {
  out.refreshFlag = in.refreshFlag ? 1 : 0;
  return SetProfileId(out.profileIdentifier, in.profileIdentifier,
                      EnableProfileRequest__profileIdentifier_PR_isdpAid,
                      EnableProfileRequest__profileIdentifier_PR_iccid);
}

Result<EnableProfileRequest> FromAsn(const EnableProfileRequest_t& in, ByteView) {
  EnableProfileRequest out;
  ESIM_ASSIGN_OR_RETURN(out.profileIdentifier,
                        ToProfileId(in.profileIdentifier, EnableProfileRequest__profileIdentifier_PR_isdpAid,
                                    EnableProfileRequest__profileIdentifier_PR_iccid));
  out.refreshFlag = in.refreshFlag != 0;
  return out;
}

Status ToAsn(const EnableProfileResponse& in, EnableProfileResponse_t& out) {
  out.enableResult = static_cast<long>(in.enableResult);
  return Status::Ok();
}

Result<EnableProfileResponse> FromAsn(const EnableProfileResponse_t& in, ByteView) {
  return EnableProfileResponse{in.enableResult};
}

Status ToAsn(const DisableProfileRequest& in, DisableProfileRequest_t& out) {
  out.refreshFlag = in.refreshFlag ? 1 : 0;
  return SetProfileId(out.profileIdentifier, in.profileIdentifier,
                      DisableProfileRequest__profileIdentifier_PR_isdpAid,
                      DisableProfileRequest__profileIdentifier_PR_iccid);
}

Result<DisableProfileRequest> FromAsn(const DisableProfileRequest_t& in, ByteView) {
  DisableProfileRequest out;
  ESIM_ASSIGN_OR_RETURN(out.profileIdentifier,
                        ToProfileId(in.profileIdentifier, DisableProfileRequest__profileIdentifier_PR_isdpAid,
                                    DisableProfileRequest__profileIdentifier_PR_iccid));
  out.refreshFlag = in.refreshFlag != 0;
  return out;
}

Status ToAsn(const DisableProfileResponse& in, DisableProfileResponse_t& out) {
  out.disableResult = static_cast<long>(in.disableResult);
  return Status::Ok();
}

Result<DisableProfileResponse> FromAsn(const DisableProfileResponse_t& in, ByteView) {
  return DisableProfileResponse{in.disableResult};
}

// ---- DeleteProfile ([51] = BF33): the request is the CHOICE itself ----------------------

Status ToAsn(const DeleteProfileRequest& in, DeleteProfileRequest_t& out) {
  return SetProfileId(out, in.profileIdentifier, DeleteProfileRequest_PR_isdpAid,
                      DeleteProfileRequest_PR_iccid);
}

Result<DeleteProfileRequest> FromAsn(const DeleteProfileRequest_t& in, ByteView) {
  DeleteProfileRequest out;
  ESIM_ASSIGN_OR_RETURN(out.profileIdentifier,
                        ToProfileId(in, DeleteProfileRequest_PR_isdpAid, DeleteProfileRequest_PR_iccid));
  return out;
}

Status ToAsn(const DeleteProfileResponse& in, DeleteProfileResponse_t& out) {
  out.deleteResult = static_cast<long>(in.deleteResult);
  return Status::Ok();
}

Result<DeleteProfileResponse> FromAsn(const DeleteProfileResponse_t& in, ByteView) {
  return DeleteProfileResponse{in.deleteResult};
}

// ---- SetNickname ([41] = BF29) ---------------------------------------------------------

Status ToAsn(const SetNicknameRequest& in, SetNicknameRequest_t& out) {
  ESIM_RETURN_IF_ERROR(SetIccid(out.iccid, in.iccid));
  SetText(out.profileNickname, in.profileNickname);
  return Status::Ok();
}

Result<SetNicknameRequest> FromAsn(const SetNicknameRequest_t& in, ByteView) {
  SetNicknameRequest out;
  ESIM_ASSIGN_OR_RETURN(out.iccid, ToIccid(in.iccid));
  out.profileNickname = ToText(in.profileNickname);
  return out;
}

Status ToAsn(const SetNicknameResponse& in, SetNicknameResponse_t& out) {
  out.setNicknameResult = static_cast<long>(in.setNicknameResult);
  return Status::Ok();
}

Result<SetNicknameResponse> FromAsn(const SetNicknameResponse_t& in, ByteView) {
  return SetNicknameResponse{in.setNicknameResult};
}

// ---- GetRAT ([67] = BF43) ----------------------------------------------------------------

Status ToAsn(const GetRatRequest&, GetRatRequest_t&) { return Status::Ok(); }
Result<GetRatRequest> FromAsn(const GetRatRequest_t&, ByteView) { return GetRatRequest{}; }

Status ToAsn(const RulesAuthorisationTable& in, GetRatResponse_t& out) {
  for (const ProfilePolicyAuthorisationRule& rule : in.rat) {
    auto& element = AppendNew(out.rat.list);
    SetBitStringBytes(element.pprIds, rule.pprIds);
    for (const OperatorId& id : rule.allowedOperators) {
      ToAsnOperatorId(id, AppendNew(element.allowedOperators.list));
    }
    SetBitStringBytes(element.pprFlags, rule.pprFlags);
  }
  return Status::Ok();
}

Result<RulesAuthorisationTable> FromAsn(const GetRatResponse_t& in, ByteView) {
  RulesAuthorisationTable out;
  for (const ProfilePolicyAuthorisationRule_t* element : Elements(in.rat.list)) {
    ProfilePolicyAuthorisationRule rule;
    rule.pprIds = BitStringBytes(element->pprIds);
    for (const OperatorId_t* id : Elements(element->allowedOperators.list)) {
      rule.allowedOperators.push_back(FromAsnOperatorId(*id));
    }
    rule.pprFlags = BitStringBytes(element->pprFlags);
    out.rat.push_back(std::move(rule));
  }
  return out;
}

}  // namespace

ESIM_ES10_CODEC(ProfileInfo, ProfileInfo)
ESIM_ES10_CODEC(GetRatRequest, GetRatRequest)
ESIM_ES10_CODEC(RulesAuthorisationTable, GetRatResponse)
ESIM_ES10_CODEC(GetProfilesInfoRequest, ProfileInfoListRequest)
ESIM_ES10_CODEC(GetProfilesInfoResponse, ProfileInfoListResponse)
ESIM_ES10_CODEC(EnableProfileRequest, EnableProfileRequest)
ESIM_ES10_CODEC(EnableProfileResponse, EnableProfileResponse)
ESIM_ES10_CODEC(DisableProfileRequest, DisableProfileRequest)
ESIM_ES10_CODEC(DisableProfileResponse, DisableProfileResponse)
ESIM_ES10_CODEC(DeleteProfileRequest, DeleteProfileRequest)
ESIM_ES10_CODEC(DeleteProfileResponse, DeleteProfileResponse)
ESIM_ES10_CODEC(SetNicknameRequest, SetNicknameRequest)
ESIM_ES10_CODEC(SetNicknameResponse, SetNicknameResponse)

}  // namespace esim::es10
