// ES10c: profiles and the EID (the local profile management interface).
#include "src/es10/es10_call.h"

namespace esim {

Result<es10::Eid> Es10Client::GetEid() {
  // A valid EID is the strongest proof that the selected AID is an ISD-R.
  ESIM_ASSIGN_OR_RETURN(auto response,
                        CallChecked<es10::GetEuiccDataResponse>(
                            es10::GetEuiccDataRequest{}, [](const es10::GetEuiccDataResponse& r) {
                              return es10::IsValidEid(r.eidValue);
                            }));
  if (!es10::IsValidEid(response.eidValue)) {
    return Status(ErrorCode::kMalformedResponse,
                  "the card's EID " + response.eidValue + " fails its check digits");
  }
  return response.eidValue;
}

Result<es10::GetProfilesInfoResponse> Es10Client::GetProfilesInfo(
    const es10::GetProfilesInfoRequest& request) {
  return Call<es10::GetProfilesInfoResponse>(request);
}

}  // namespace esim

namespace esim {

Result<int64_t> Es10Client::EnableProfile(const es10::ProfileId& id, bool refresh) {
  ESIM_ASSIGN_OR_RETURN(auto response,
                        Call<es10::EnableProfileResponse>(es10::EnableProfileRequest{id, refresh}));
  return response.enableResult;
}

Result<int64_t> Es10Client::DisableProfile(const es10::ProfileId& id, bool refresh) {
  ESIM_ASSIGN_OR_RETURN(auto response,
                        Call<es10::DisableProfileResponse>(es10::DisableProfileRequest{id, refresh}));
  return response.disableResult;
}

Result<int64_t> Es10Client::DeleteProfile(const es10::ProfileId& id) {
  ESIM_ASSIGN_OR_RETURN(auto response,
                        Call<es10::DeleteProfileResponse>(es10::DeleteProfileRequest{id}));
  return response.deleteResult;
}

Result<int64_t> Es10Client::SetNickname(const es10::Iccid& iccid, const std::string& nickname) {
  ESIM_ASSIGN_OR_RETURN(auto response,
                        Call<es10::SetNicknameResponse>(es10::SetNicknameRequest{iccid, nickname}));
  return response.setNicknameResult;
}

Result<int64_t> Es10Client::EuiccMemoryReset(const es10::EuiccMemoryResetRequest& request) {
  ESIM_ASSIGN_OR_RETURN(auto response, Call<es10::EuiccMemoryResetResponse>(request));
  return response.resetResult;
}

}  // namespace esim
