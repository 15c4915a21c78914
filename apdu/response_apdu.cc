#include "apdu/response_apdu.h"

#include <cstdio>

namespace esim::apdu {
namespace {

std::string Hex2(uint8_t b) {
  char buf[3];
  std::snprintf(buf, sizeof buf, "%02X", b);
  return buf;
}

// Exact status words named by the facts sheet and ISO 7816-4.
const char* ExactDescription(uint16_t sw) {
  switch (sw) {
    case 0x9000: return "ok";
    case 0x6200: return "warning: no information given";
    case 0x6281: return "warning: part of returned data may be corrupted";
    case 0x6282: return "warning: end of file or record reached";
    case 0x6283: return "warning: selected file deactivated";
    case 0x6300: return "warning: verification failed";
    case 0x6400: return "execution error, state of memory unchanged";
    case 0x6581: return "memory failure";
    case 0x6700: return "wrong length";
    case 0x6881: return "logical channel not supported or not open";
    case 0x6882: return "secure messaging not supported";
    case 0x6883: return "last command of the chain expected";
    case 0x6884: return "command chaining not supported";
    case 0x6982: return "security status not satisfied (wrong application selected?)";
    case 0x6983: return "authentication method blocked";
    case 0x6984: return "referenced data invalidated";
    case 0x6985: return "conditions of use not satisfied";
    case 0x6986: return "command not allowed (no current EF)";
    case 0x6999: return "applet selection failed";
    case 0x6A80: return "incorrect data in command";
    case 0x6A81: return "function not supported";
    case 0x6A82: return "application or file not found";
    case 0x6A84: return "not enough memory";
    case 0x6A86: return "incorrect P1 P2";
    case 0x6A88: return "referenced data not found";
    case 0x6B00: return "wrong P1 P2";
    case 0x6D00: return "instruction not supported";
    case 0x6E00: return "class not supported";
    case 0x6F00: return "no precise diagnosis";
    default: return nullptr;
  }
}

}  // namespace

Bytes ResponseApdu::Encode() const {
  Bytes out = data;
  out.push_back(sw1());
  out.push_back(sw2());
  return out;
}

Result<ResponseApdu> ParseResponse(Bytes r_apdu) {
  if (r_apdu.size() < 2) {
    return Status(ErrorCode::kReaderError,
                  "card answer has no status word (" + std::to_string(r_apdu.size()) +
                      " byte" + (r_apdu.size() == 1 ? "" : "s") + ": '" + ToHex(r_apdu) + "')");
  }
  ResponseApdu r;
  r.sw = static_cast<uint16_t>(r_apdu[r_apdu.size() - 2] << 8 | r_apdu[r_apdu.size() - 1]);
  r_apdu.pop_back();  // SW2
  r_apdu.pop_back();  // SW1
  r.data = std::move(r_apdu);
  return r;
}

std::string SwHex(uint16_t sw) {
  return Hex2(static_cast<uint8_t>(sw >> 8)) + Hex2(static_cast<uint8_t>(sw & 0xFF));
}

std::string DescribeStatusWord(uint16_t sw) {
  if (const char* exact = ExactDescription(sw)) return exact;
  const auto sw1 = static_cast<uint8_t>(sw >> 8);
  const auto sw2 = static_cast<uint8_t>(sw & 0xFF);
  switch (sw1) {
    case 0x61:
      return sw2 == 0 ? "more data available (256 bytes or more)"
                      : "more data available (" + std::to_string(sw2) + " bytes)";
    case 0x6C:
      return "wrong Le, retry with Le=" + std::to_string(sw2 == 0 ? 256 : sw2);
    case 0x91:
      return "ok, proactive command pending (" + std::to_string(sw2) + " bytes)";
    case 0x92: return "ok, memory written after " + std::to_string(sw2 & 0x0F) + " retries";
    case 0x62: return "warning, state of memory unchanged";
    case 0x63:
      if ((sw2 & 0xF0) == 0xC0) return "warning: counter " + std::to_string(sw2 & 0x0F);
      return "warning, state of memory changed";
    case 0x64: return "execution error, state of memory unchanged";
    case 0x65: return "execution error, state of memory changed";
    case 0x66: return "security-related error";
    case 0x67: return "wrong length";
    case 0x68: return "function in CLA not supported";
    case 0x69: return "command not allowed";
    case 0x6A: return "wrong parameters P1 P2";
    case 0x6B: return "wrong parameters P1 P2";
    case 0x6D: return "instruction not supported";
    case 0x6E: return "class not supported";
    case 0x6F: return "no precise diagnosis";
    default: break;
  }
  if (sw1 >= 0x90 && sw1 <= 0x9F) return "proprietary status";
  return "unknown status word";
}

Status UnexpectedStatus(uint16_t sw, std::string_view what) {
  std::string message;
  if (!what.empty()) {
    message.append(what);
    message += ": ";
  }
  message += "card answered " + SwHex(sw) + " (" + DescribeStatusWord(sw) + ")";
  return Status(ErrorCode::kCardStatus, std::move(message));
}

}  // namespace esim::apdu
