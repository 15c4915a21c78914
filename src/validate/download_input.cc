#include "src/validate/download_input.h"

#include <charconv>
#include <vector>

#include "src/validate/input.h"

namespace esim {
namespace {

Status Invalid(std::string message) { return Status(ErrorCode::kInvalidInput, std::move(message)); }

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool PrintableAscii(std::string_view text) {
  for (char c : text) {
    if (c < 0x21 || c > 0x7E) return false;
  }
  return true;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (;;) {
    size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

bool IsDottedOid(std::string_view text) {
  std::vector<std::string_view> arcs = Split(text, '.');
  if (arcs.size() < 2) return false;
  for (std::string_view arc : arcs) {
    if (!AllDigits(arc)) return false;
  }
  return true;
}

// Swapped-nibble BCD of `digits`, F-padded to `bytes` bytes.
Bytes PackBcd(std::string_view digits, size_t bytes) {
  Bytes out(bytes, 0xFF);
  for (size_t i = 0; i < digits.size() && i / 2 < bytes; ++i) {
    uint8_t nibble = static_cast<uint8_t>(digits[i] - '0');
    uint8_t& b = out[i / 2];
    b = (i % 2 == 0) ? static_cast<uint8_t>((b & 0xF0) | nibble) : static_cast<uint8_t>((b & 0x0F) | (nibble << 4));
  }
  return out;
}

}  // namespace

Result<std::string> ParseSmdpAddress(std::string_view text) {
  std::string_view host = text;
  std::string_view port;
  if (size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    unsigned value = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (!AllDigits(port) || error != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return Invalid("'" + std::string(text) + "' is not a valid SM-DP+ address: the port must be 1-65535");
    }
  }
  ESIM_ASSIGN_OR_RETURN(std::string fqdn, ParseFqdn(host));
  if (!port.empty()) fqdn += ":" + std::string(port);
  return fqdn;
}

Result<std::string> ParseMatchingId(std::string_view text) {
  if (text.size() > 255) return Invalid("the matching ID is longer than 255 characters");
  if (!PrintableAscii(text) || text.find('$') != std::string_view::npos) {
    return Invalid("the matching ID may hold only printable ASCII characters other than '$'");
  }
  return std::string(text);
}

Result<std::string> ParseConfirmationCode(std::string_view text) {
  if (text.empty()) return Invalid("the confirmation code is empty");
  if (text.size() > 255) return Invalid("the confirmation code is longer than 255 characters");
  if (!PrintableAscii(text)) return Invalid("the confirmation code may hold only printable ASCII characters");
  return std::string(text);
}

Result<ActivationCode> ParseActivationCode(std::string_view text) {
  std::string_view body = text;
  if (body.size() >= 4) {
    std::string prefix(body.substr(0, 4));
    for (char& c : prefix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (prefix == "LPA:") body.remove_prefix(4);
  }
  auto bad = [](const std::string& why) {
    return Invalid("malformed activation code (expected LPA:1$ADDRESS$MATCHING-ID[$OID[$1]]): " + why);
  };
  std::vector<std::string_view> fields = Split(body, '$');
  if (fields[0] != "1") return bad("the format must be 1");
  if (fields.size() < 3) return bad("it needs an SM-DP+ address and a matching ID field");
  if (fields.size() > 5) return bad("it has more than five fields");
  ActivationCode code;
  Result<std::string> address = ParseSmdpAddress(fields[1]);
  if (!address.ok()) return bad(address.status().message());
  code.smdp_address = *address;
  Result<std::string> matching_id = ParseMatchingId(fields[2]);
  if (!matching_id.ok()) return bad(matching_id.status().message());
  code.matching_id = *matching_id;
  if (fields.size() >= 4 && !fields[3].empty()) {
    if (!IsDottedOid(fields[3])) return bad("the SM-DP+ OID must be dotted decimal");
    code.smdp_oid = std::string(fields[3]);
  }
  if (fields.size() == 5) {
    if (fields[4] != "1") return bad("the confirmation-code flag must be 1 when present");
    code.confirmation_code_required = true;
  }
  return code;
}

namespace {

// The Luhn check digit of the first 14 IMEI digits (3GPP TS 23.003 annex B).
int ImeiCheckDigit(std::string_view fourteen) {
  int sum = 0;
  for (size_t i = 0; i < 14; ++i) {
    int d = fourteen[i] - '0';
    if (i % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - sum % 10) % 10;
}

}  // namespace

// Only the full 15-digit IMEI is accepted (download-facts §7): DeviceInfo.imei is what an SM-DP+
// compares with the IMEI a carrier bound the order to, and a typo caught here costs nothing
// while one caught by the server can burn the order. An IMEI is not a secret, so messages show it.
Result<std::string> ParseImei(std::string_view text) {
  if (!AllDigits(text) || text.size() != 15) {
    std::string message = "IMEI '" + std::string(text) + "' must be 15 digits (8 TAC, 6 serial, 1 check digit)";
    if (AllDigits(text) && text.size() == 14) {
      message += "; with its check digit it is " + std::string(text) + std::to_string(ImeiCheckDigit(text));
    } else if (AllDigits(text) && text.size() == 16) {
      message += "; 16 digits is an IMEISV, give the IMEI";
    }
    return Invalid(message);
  }
  const int check = ImeiCheckDigit(text);
  if (check != text[14] - '0') {
    return Invalid("IMEI '" + std::string(text) + "' fails its check digit (Luhn): it should end in " +
                   std::to_string(check));
  }
  return std::string(text);
}

Bytes PackImei(std::string_view imei_digits) { return PackBcd(imei_digits, 8); }

Bytes PackTac(std::string_view imei_digits) { return PackBcd(imei_digits.substr(0, 8), 4); }

}  // namespace esim
