#include "src/ops/chip_ops.h"

#include "src/ops/result_codes.h"

namespace esim {

Status ResetMemory(CardSession& session, const es10::EuiccMemoryResetRequest& options) {
  ESIM_ASSIGN_OR_RETURN(int64_t result, session.es10().EuiccMemoryReset(options));
  return MemoryResetResultStatus(result);
}

Status SetDefaultSmdp(CardSession& session, const std::string& address) {
  ESIM_ASSIGN_OR_RETURN(int64_t result, session.es10().SetDefaultDpAddress(address));
  return SetDefaultDpAddressResultStatus(result);
}

}  // namespace esim
