// Es10Client::PlanCommand: what a state-changing command would send, for --dry-run.
#include "asn1/es10_codec.h"
#include "src/es10/es10_client.h"

namespace esim {

Result<std::vector<Bytes>> Es10Client::PlanCommand(const ChangeRequest& request) {
  ESIM_ASSIGN_OR_RETURN(Bytes encoded,
                        std::visit([](const auto& r) { return es10::Encode(r); }, request));
  ESIM_ASSIGN_OR_RETURN(auto commands, locator_.channel().Plan(encoded));
  std::vector<Bytes> apdus;
  for (const auto& command : commands) {
    ESIM_ASSIGN_OR_RETURN(Bytes bytes, command.Encode(command.NeedsExtended()));
    apdus.push_back(std::move(bytes));
  }
  return apdus;
}

}  // namespace esim
