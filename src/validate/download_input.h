// Checks of the download command's input (activation code, SM-DP+ address, matching ID,
// confirmation code, IMEI), done before anything is sent to the card or the network.
//
// Every function returns the normalised value or kInvalidInput with a message that names the
// argument and says what is wrong; a message never repeats a matching ID or confirmation code
// (they are secrets). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace esim {

// An SM-DP+ address: a fully qualified host name (ParseFqdn) with an optional ":port"
// (1-65535). Returned as typed, minus a trailing dot on the host.
Result<std::string> ParseSmdpAddress(std::string_view text);

// A matching ID: at most 255 bytes of printable ASCII without '$' (SGP.22 UTF8String, in
// practice letters, digits and '-'); may be empty (default SM-DP+ / SM-DS events).
Result<std::string> ParseMatchingId(std::string_view text);

// A confirmation code: 1-255 bytes of printable ASCII (SGP.22 leaves the alphabet open;
// carriers use digits and letters).
Result<std::string> ParseConfirmationCode(std::string_view text);

// An activation code `LPA:1$ADDRESS$MATCHING-ID[$OID[$1]]` (SGP.22 §4.1): the "LPA:" prefix is
// optional and case-insensitive, the format "1" required.
struct ActivationCode {
  std::string smdp_address;            // checked with ParseSmdpAddress
  std::string matching_id;             // checked with ParseMatchingId; may be empty
  std::optional<std::string> smdp_oid;  // dotted decimal, when given
  bool confirmation_code_required = false;  // the fifth field is "1"
};
Result<ActivationCode> ParseActivationCode(std::string_view text);

// A device IMEI: exactly 15 digits whose Luhn check digit (TS 23.003) holds. Returns the digits.
Result<std::string> ParseImei(std::string_view text);
// The IMEI (15 digits, from ParseImei) as SGP.22 DeviceInfo carries it: 8 bytes of BCD, nibbles
// swapped, the last byte's high nibble F.
Bytes PackImei(std::string_view imei_digits);
// The TAC (first 8 digits) as 4 bytes of BCD, nibbles swapped.
Bytes PackTac(std::string_view imei_digits);

}  // namespace esim
