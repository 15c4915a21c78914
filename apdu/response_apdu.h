// ResponseApdu: one ISO 7816-4 answer (data followed by SW1 SW2), and names for status words.
//
// Status words are how a card says what went wrong; every error the APDU layer reports for a
// non-success SW carries the hex SW and a description from DescribeStatusWord, so a user can
// read "6A88 (referenced data not found)" without the spec at hand. Stateless helpers and a
// plain value type: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::apdu {

inline constexpr uint16_t kSwOk = 0x9000;

struct ResponseApdu {
  Bytes data;         // response data field, without the status word
  uint16_t sw = 0;    // SW1 << 8 | SW2

  // First status byte.
  uint8_t sw1() const { return static_cast<uint8_t>(sw >> 8); }
  // Second status byte.
  uint8_t sw2() const { return static_cast<uint8_t>(sw & 0xFF); }
  // True for 9000 and 91xx (ok, proactive command pending: the facts sheet treats it as ok).
  bool IsSuccess() const { return sw == kSwOk || sw1() == 0x91; }
  // The wire form: data followed by SW1 SW2.
  Bytes Encode() const;
};

// Splits an R-APDU into data and SW; the data keeps `r_apdu`'s storage (move the answer in).
// Fails with kReaderError when it has fewer than 2 bytes (no status word at all: the reader or
// card dropped the answer).
Result<ResponseApdu> ParseResponse(Bytes r_apdu);

// A short English description of `sw` ("ok", "wrong length, retry with Le=0x20",
// "referenced data not found", ...). Never empty: unknown SWs get their ISO 7816 class.
std::string DescribeStatusWord(uint16_t sw);

// Upper-case 4-digit hex of `sw` ("6A88").
std::string SwHex(uint16_t sw);

// The error for a card that answered `sw` where success was needed: kCardStatus with a
// message "<what>: card answered 6A88 (referenced data not found)". `what` names the
// command ("STORE DATA block 2 of 3"); may be empty.
Status UnexpectedStatus(uint16_t sw, std::string_view what);

}  // namespace esim::apdu
