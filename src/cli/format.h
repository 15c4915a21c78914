// Small text formatters shared by the commands' human-readable output.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "asn1/messages.h"
#include "common/bytes.h"

namespace esim {

// "123,456 bytes (120.6 KiB)".
std::string FormatBytesCount(uint64_t bytes);
// "basicEuicc" etc.
std::string EuiccCategoryName(int64_t category);
// Two columns, the first padded: "EID    8904...".
std::string RenderKeyValue(const std::vector<std::vector<std::string>>& rows);

}  // namespace esim
