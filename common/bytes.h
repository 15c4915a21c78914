// Byte buffers and hex conversion used across esimctl. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace esim {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

// Upper-case hex without separators ("BF2D00").
std::string ToHex(ByteView bytes);
// Parses hex; accepts upper/lower case and ignores spaces, tabs, ':' and newlines.
// Fails with kInvalidInput on an odd digit count or a non-hex character.
Result<Bytes> FromHex(std::string_view text);

}  // namespace esim
