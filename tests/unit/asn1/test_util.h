// Helpers shared by the asn1 unit tests. Single-threaded test use only.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::testing {

// Bytes from hex; the test fails (and returns empty) on bad hex.
inline Bytes Hex(std::string_view hex) {
  Result<Bytes> bytes = FromHex(hex);
  EXPECT_TRUE(bytes.ok()) << "bad test hex: " << hex;
  return bytes.ok() ? *bytes : Bytes{};
}

// One DER element: `tag_hex`, a DER length, then the concatenated `parts`.
inline Bytes Tlv(std::string_view tag_hex, std::initializer_list<Bytes> parts = {}) {
  Bytes content;
  for (const Bytes& part : parts) content.insert(content.end(), part.begin(), part.end());
  Bytes out = Hex(tag_hex);
  if (content.size() < 0x80) {
    out.push_back(static_cast<uint8_t>(content.size()));
  } else if (content.size() < 0x100) {
    out.insert(out.end(), {0x81, static_cast<uint8_t>(content.size())});
  } else {
    out.insert(out.end(), {0x82, static_cast<uint8_t>(content.size() >> 8), static_cast<uint8_t>(content.size())});
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

// Concatenation of byte strings.
inline Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

}  // namespace esim::testing

// Asserts that a Result-returning expression holds a value, printing the error otherwise.
#define ASSERT_OK(expr)                                                       \
  do {                                                                        \
    const auto& esim_ok_ = (expr);                                            \
    ASSERT_TRUE(esim_ok_.ok()) << #expr << ": " << esim_ok_.status().message(); \
  } while (0)
