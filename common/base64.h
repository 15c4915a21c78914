// Base64 (RFC 4648 §4: standard alphabet, padded, no line breaks). Stateless; thread-safe.
// Used for the PendingNotification the ES9+ body carries, and for DER in JSON output.
#pragma once

#include <string>

#include "common/bytes.h"

namespace esim {

// The Base64 text of `data`.
std::string Base64(ByteView data);

}  // namespace esim
