// CommandApdu: one ISO 7816-4 command (CLA INS P1 P2 [Lc data] [Le]) and its wire encoding.
//
// The APDU layer builds every command as a CommandApdu and encodes it only when sending, so
// the transport can pick short or extended form and re-send with another Le (6Cxx). Encoding
// covers the four ISO 7816-4 cases in short and extended form. A plain value type:
// copyable, thread-compatible.
#pragma once

#include <cstdint>
#include <optional>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::apdu {

// Largest Ne a short APDU can ask for (encoded as Le = 00).
inline constexpr uint32_t kMaxShortLe = 256;
// Largest Ne an extended APDU can ask for (encoded as Le = 0000).
inline constexpr uint32_t kMaxExtendedLe = 65536;
// Largest Nc of a short APDU.
inline constexpr size_t kMaxShortData = 255;
// Largest Nc of an extended APDU.
inline constexpr size_t kMaxExtendedData = 65535;

struct CommandApdu {
  uint8_t cla = 0;
  uint8_t ins = 0;
  uint8_t p1 = 0;
  uint8_t p2 = 0;
  Bytes data;                  // empty = no Lc field (case 1 / 2)
  std::optional<uint32_t> le;  // Ne, 1..65536; 256 = short Le 00; nullopt = no Le (case 1 / 3)

  // Encodes the command; `extended` selects 3-byte Lc / 2-3 byte Le fields. Fails with
  // kInvalidInput when the data or Le does not fit the chosen form or Le is 0. Never
  // shorter than the 4 header bytes.
  Result<Bytes> Encode(bool extended) const;
  // True if the command cannot be encoded in short form (data > 255 or Le > 256).
  bool NeedsExtended() const;
};

}  // namespace esim::apdu
