#include "src/validate/input.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "common/bytes.h"
#include "common/utf8.h"

namespace esim {

namespace {

Status Invalid(const std::string& message) { return Status(ErrorCode::kInvalidInput, message); }

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Result<es10::Iccid> ParseIccid(std::string_view text) {
  std::string_view digits = text;
  // The F-padded form as printed by some tools: digits, then F fillers up to 20 characters.
  if (text.size() == 20) {
    size_t end = text.find_last_not_of("Ff");
    if (end != std::string_view::npos && end + 1 < text.size()) digits = text.substr(0, end + 1);
  }
  if (!AllDigits(digits)) {
    return Invalid("ICCID '" + std::string(text) + "' must be decimal digits (optionally F-padded)");
  }
  if (digits.size() < 18 || digits.size() > 20) {
    return Invalid("ICCID '" + std::string(text) + "' has " + std::to_string(digits.size()) +
                   " digits; an ICCID has 18 to 20");
  }
  return es10::Iccid(digits);
}

Result<Bytes> ParseIsdpAid(std::string_view text) {
  Result<Bytes> aid = FromHex(text);
  if (!aid.ok()) return Invalid("ISD-P AID '" + std::string(text) + "': " + aid.status().message());
  if (aid->size() < 5 || aid->size() > 16) {
    return Invalid("ISD-P AID '" + std::string(text) + "' is " + std::to_string(aid->size()) +
                   " bytes; an AID is 5 to 16 bytes");
  }
  return aid;
}

Result<es10::ProfileId> ParseProfileId(std::string_view text) {
  // ICCIDs are digits (maybe F-padded); ISD-P AIDs start with the RID A0000005 59, so a
  // string of digits is never an AID in practice.
  std::string_view unpadded = text.substr(0, text.find_last_not_of("Ff") + 1);
  if (AllDigits(unpadded)) {
    ESIM_ASSIGN_OR_RETURN(es10::Iccid iccid, ParseIccid(text));
    return es10::ProfileId(iccid);
  }
  Result<Bytes> aid = ParseIsdpAid(text);
  if (!aid.ok()) {
    return Invalid("'" + std::string(text) +
                   "' is neither an ICCID (18-20 digits) nor an ISD-P AID (10-32 hex digits)");
  }
  return es10::ProfileId(es10::IsdpAid{*aid});
}

Result<std::string> ParseNickname(std::string_view text) {
  if (!IsValidUtf8(text)) return Invalid("the nickname is not valid UTF-8");
  if (text.size() > 64) {
    return Invalid("the nickname is " + std::to_string(text.size()) +
                   " bytes in UTF-8; at most 64 are allowed");
  }
  return std::string(text);
}

std::string HostNameProblem(std::string_view host) {
  if (host.empty()) return "it is empty";
  if (host.size() > 253) return "longer than 253 characters";
  std::string_view last;
  for (size_t start = 0;;) {
    size_t dot = host.find('.', start);
    std::string_view label = host.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty()) return "empty label";
    if (label.size() > 63) return "a label is longer than 63 characters";
    if (label.front() == '-' || label.back() == '-') return "a label starts or ends with '-'";
    for (char c : label) {
      bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && c != '-') return "only letters, digits, '-' and '.' are allowed";
    }
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return "an IP address is not a host name";
  }
  return "";
}

Result<std::string> ParseFqdn(std::string_view text) {
  std::string_view name = text;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  auto bad = [&](const std::string& why) {
    return Invalid("'" + std::string(text) + "' is not a valid SM-DP+ address: " + why);
  };
  if (std::string why = HostNameProblem(name); !why.empty()) return bad(why);
  if (name.find('.') == std::string_view::npos) return bad("a fully qualified name has at least two labels");
  return std::string(name);
}

Result<int64_t> ParseSeqNumber(std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!AllDigits(text) || error != std::errc() || end != text.data() + text.size()) {
    return Invalid("seqNumber '" + std::string(text) + "' must be a non-negative whole number");
  }
  return value;
}

}  // namespace esim
