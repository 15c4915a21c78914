// Codings used by the state file and the handlers: ICCID BCD, EID check, base64, versions.
#include "vcard/state_codings.h"

#include <cctype>

namespace esim::vcard {

Result<Bytes> IccidToBcd(const std::string& digits) {
  if (digits.size() < 18 || digits.size() > 20) {
    return Status(ErrorCode::kInvalidInput, "ICCID must have 18-20 digits");
  }
  for (char c : digits) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return Status(ErrorCode::kInvalidInput, "ICCID must be decimal digits");
    }
  }
  std::string padded = digits;
  padded.resize(20, 'F');
  Bytes out;
  for (size_t i = 0; i < 20; i += 2) {
    auto nib = [](char c) { return static_cast<uint8_t>(c == 'F' ? 0xF : c - '0'); };
    out.push_back(static_cast<uint8_t>(nib(padded[i + 1]) << 4 | nib(padded[i])));
  }
  return out;
}

std::string BcdToIccid(ByteView bcd) {
  std::string out;
  for (uint8_t b : bcd) {
    for (uint8_t nib : {static_cast<uint8_t>(b & 0x0F), static_cast<uint8_t>(b >> 4)}) {
      if (nib > 9) return out;
      out.push_back(static_cast<char>('0' + nib));
    }
  }
  return out;
}

bool EidCheckValid(const std::string& eid) {
  if (eid.size() != 32) return false;
  unsigned rem = 0;
  for (char c : eid) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    rem = (rem * 10 + static_cast<unsigned>(c - '0')) % 97;
  }
  return rem == 1;
}

std::string Base64Encode(ByteView data) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < data.size(); i += 3) {
    uint32_t n = static_cast<uint32_t>(data[i]) << 16;
    if (i + 1 < data.size()) n |= static_cast<uint32_t>(data[i + 1]) << 8;
    if (i + 2 < data.size()) n |= data[i + 2];
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < data.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < data.size() ? kAlphabet[n & 63] : '=');
  }
  return out;
}

Result<Bytes> Base64Decode(std::string_view text) {
  Bytes out;
  uint32_t acc = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') { padding = true; continue; }
    else if (c == '\n' || c == ' ' || c == '\r') continue;
    else return Status(ErrorCode::kInvalidInput, "not base64");
    if (padding) return Status(ErrorCode::kInvalidInput, "base64 data after padding");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<uint8_t>(acc >> bits));
    }
  }
  return out;
}

Result<Bytes> ParseVersion(const std::string& text) {
  Bytes out;
  size_t pos = 0;
  for (int part = 0; part < 3; ++part) {
    size_t end = text.find('.', pos);
    if (part < 2 && end == std::string::npos) break;
    std::string num = text.substr(pos, part < 2 ? end - pos : std::string::npos);
    if (num.empty() || num.size() > 3 ||
        num.find_first_not_of("0123456789") != std::string::npos || std::stoi(num) > 255) {
      break;
    }
    out.push_back(static_cast<uint8_t>(std::stoi(num)));
    pos = end + 1;
  }
  if (out.size() != 3) return Status(ErrorCode::kInvalidInput, "expected a version \"major.minor.revision\"");
  return out;
}

std::string VersionText(ByteView v) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    // Appended piece by piece: `"." + std::to_string(...)` trips g++ 12's -Wrestrict at -O3.
    if (i != 0) out += '.';
    out += std::to_string(v[i]);
  }
  return out;
}

Result<Bytes> MccMncToBytes(const std::string& digits) {
  if ((digits.size() != 5 && digits.size() != 6) ||
      digits.find_first_not_of("0123456789") != std::string::npos) {
    return Status(ErrorCode::kInvalidInput, "mccMnc must be 5 or 6 digits (MCC then MNC)");
  }
  auto d = [&](size_t i) { return static_cast<uint8_t>(i < digits.size() ? digits[i] - '0' : 0xF); };
  // 3GPP TS 24.008 PLMN coding: MCC2 MCC1 | MNC3 MCC3 | MNC2 MNC1.
  uint8_t mnc3 = digits.size() == 6 ? d(5) : 0xF;
  return Bytes{static_cast<uint8_t>(d(1) << 4 | d(0)), static_cast<uint8_t>(mnc3 << 4 | d(2)),
               static_cast<uint8_t>(d(4) << 4 | d(3))};
}

std::string MccMncText(ByteView b) {
  if (b.size() != 3) return ToHex(b);
  auto digit = [](int n) { return static_cast<char>('0' + n); };
  std::string out{digit(b[0] & 0xF), digit(b[0] >> 4), digit(b[1] & 0xF), digit(b[2] & 0xF),
                  digit(b[2] >> 4)};
  if ((b[1] >> 4) != 0xF) out.push_back(digit(b[1] >> 4));
  return out;
}

}  // namespace esim::vcard
