// ES10a: the eUICC's configured addresses (LPA ↔ ISD-R, address management).
#include "src/es10/es10_call.h"

namespace esim {

Result<es10::EuiccConfiguredAddressesResponse> Es10Client::GetEuiccConfiguredAddresses() {
  return Call<es10::EuiccConfiguredAddressesResponse>(es10::GetEuiccConfiguredAddressesRequest{});
}

}  // namespace esim
