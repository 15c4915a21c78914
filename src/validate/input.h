// Checks of user input, done before anything is sent to the card.
//
// Every function returns the normalised value or kInvalidInput with a message
// that names the argument and says what is wrong. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "asn1/messages.h"
#include "common/status.h"

namespace esim {

// An ICCID: 18-20 decimal digits, or the F-padded 20-character form ("...F").
// Returns the digits without padding.
Result<es10::Iccid> ParseIccid(std::string_view text);
// An ISD-P AID: 5-16 bytes of hex.
Result<Bytes> ParseIsdpAid(std::string_view text);
// A profile named on the command line: an ICCID when it reads as one, else an ISD-P AID.
Result<es10::ProfileId> ParseProfileId(std::string_view text);
// A nickname: valid UTF-8, at most 64 bytes (SGP.22 UTF8String (SIZE(0..64))).
Result<std::string> ParseNickname(std::string_view text);
// Why `host` is not a DNS host name, or "" if it is one: RFC 1123 labels of ASCII letters,
// digits and '-' (1-63 bytes each, no '-' at either end), at most 253 bytes, and a last label
// that is not all digits (an IPv4 literal is no host name). The one host-name rule of esimctl:
// the CLI's addresses and the delivery client's notification addresses and --connect-to hosts.
std::string HostNameProblem(std::string_view host);
// An SM-DP+ address typed by the user: a host name (HostNameProblem) with at least two labels
// (fully qualified); a trailing dot is accepted and dropped.
Result<std::string> ParseFqdn(std::string_view text);
// A notification seqNumber: a non-negative decimal integer that fits int64.
Result<int64_t> ParseSeqNumber(std::string_view text);
}  // namespace esim
