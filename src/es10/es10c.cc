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
