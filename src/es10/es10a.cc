// ES10a: the eUICC's configured addresses (LPA ↔ ISD-R, address management).
#include "src/es10/es10_call.h"

namespace esim {

Result<es10::EuiccConfiguredAddressesResponse> Es10Client::GetEuiccConfiguredAddresses() {
  return Call<es10::EuiccConfiguredAddressesResponse>(es10::GetEuiccConfiguredAddressesRequest{});
}

}  // namespace esim

namespace esim {

Result<int64_t> Es10Client::SetDefaultDpAddress(const std::string& address) {
  ESIM_ASSIGN_OR_RETURN(auto response,
                        Call<es10::SetDefaultDpAddressResponse>(es10::SetDefaultDpAddressRequest{address}));
  return response.setDefaultDpAddressResult;
}

}  // namespace esim
