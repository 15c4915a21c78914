#include "vcard/virtual_reader.h"

namespace esim::vcard {

Result<std::unique_ptr<InProcessReader>> OpenVirtualReader(const std::string& state_path,
                                                           VirtualEuicc::Options options) {
  ESIM_ASSIGN_OR_RETURN(auto card, VirtualEuicc::Load(state_path, std::move(options)));
  return std::make_unique<InProcessReader>("virtual:" + state_path, std::move(card));
}

}  // namespace esim::vcard
