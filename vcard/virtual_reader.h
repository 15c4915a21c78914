// OpenVirtualReader: the reader behind "--reader virtual:STATE.json", the virtual eUICC of a
// state file plugged into an in-process reader (readers/in_process_reader.h).
//
// Stateless; each call loads its own card, which the returned reader owns.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "readers/in_process_reader.h"
#include "vcard/virtual_euicc.h"

namespace esim::vcard {

// Loads the card from `state_path` and returns a reader named "virtual:" + state_path holding
// it; errors as VirtualEuicc::Load (kIo, kInvalidInput).
Result<std::unique_ptr<InProcessReader>> OpenVirtualReader(const std::string& state_path,
                                                           VirtualEuicc::Options options);

}  // namespace esim::vcard
