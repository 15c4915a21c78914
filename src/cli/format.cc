#include "src/cli/format.h"

#include <cstdio>

#include "src/cli/output.h"

namespace esim {

std::string FormatBytesCount(uint64_t bytes) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%llu bytes (%.1f KiB)",
                static_cast<unsigned long long>(bytes), static_cast<double>(bytes) / 1024.0);
  return buffer;
}

std::string EuiccCategoryName(int64_t category) {
  switch (category) {
    case 0: return "other";
    case 1: return "basicEuicc";
    case 2: return "mediumEuicc";
    case 3: return "contactlessEuicc";
    default: return "unknown (" + std::to_string(category) + ")";
  }
}

std::string RenderKeyValue(const std::vector<std::vector<std::string>>& rows) {
  std::string table = RenderTable({"", ""}, rows);
  // RenderTable prints a header line; a key/value listing has none.
  return table.substr(table.find('\n') + 1);
}

}  // namespace esim
