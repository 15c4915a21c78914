#include "src/ops/profile_list.h"

#include <string>

namespace esim {

namespace {

// The ProfileInfo members a listing shows. Without a tagList the card sends
// every member, icons and notification configuration included; naming the
// tags keeps five profiles within one STORE DATA answer plus one GET RESPONSE
// (2 x 256 bytes) on a short-APDU reader.
const Bytes kListingTags = {0x5A,        // iccid
                            0x4F,        // isdpAid
                            0x9F, 0x70,  // profileState
                            0x90,        // profileNickname
                            0x91,        // serviceProviderName
                            0x92,        // profileName
                            0x93,        // iconType
                            0x95,        // profileClass
                            0x99};       // profilePolicyRules

std::string ProfilesInfoErrorName(int64_t code) {
  switch (code) {
    case 1: return "incorrectInputValues";
    case 127: return "undefinedError";
    default: return "error " + std::to_string(code);
  }
}

}  // namespace

Result<std::vector<es10::ProfileInfo>> ListProfiles(CardSession& session,
                                                    const ListProfilesOptions& options) {
  es10::GetProfilesInfoRequest request;
  // With icons the user asked for everything: no tagList, the card sends all members.
  if (!options.with_icons) request.tagList = kListingTags;
  ESIM_ASSIGN_OR_RETURN(auto response, session.es10().GetProfilesInfo(request));
  if (response.profileInfoListError) {
    return Status(ErrorCode::kEs10Result,
                  "the eUICC refused to list its profiles (" +
                      ProfilesInfoErrorName(*response.profileInfoListError) + ")");
  }
  if (!response.profileInfoListOk) {
    return Status(ErrorCode::kMalformedResponse, "GetProfilesInfo answer holds neither list nor error");
  }
  return std::move(*response.profileInfoListOk);
}

}  // namespace esim
