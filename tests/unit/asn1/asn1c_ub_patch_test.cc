// Regressions for the undefined behaviour the fuzz targets found in asn1c 0.9.28's runtime,
// patched by asn1/asn1c_generate.cmake section (c). The inputs are the fuzzers' reproducers
// (tests/fuzz/regressions/es10_decode/, .../decode_command/). Each test checks the
// result the patched code gives and that the patch is in the generated source: under g++ the
// unpatched code usually computes the same (the UB is silent), under the fuzz build's clang
// UBSan (build-fuzz, -fno-sanitize-recover) it aborts the test.
#include <gtest/gtest.h>

#include <climits>
#include <fstream>
#include <iterator>
#include <string>

// asn1c_support.h first: it prepares the C library headers for asn1c's asn_system.h.
#include "asn1/asn1c_support.h"
// clang-format off
#include "INTEGER.h"
#include "UTF8String.h"
#include "ber_tlv_length.h"
#include "asn1/es10_codec.h"
#include "tests/unit/asn1/test_util.h"
// clang-format on

namespace esim::es10 {
namespace {

using esim::testing::Hex;

std::string GeneratedSource(const std::string& name) {
  std::ifstream in(std::string(ESIM_BINARY_DIR) + "/asn1/gen/" + name);
  EXPECT_TRUE(in.is_open()) << name;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// UTF8String_length() ran UTF8String__process(st, NULL, 0), which computed NULL + 0 on every
// UTF8String constraint check (any nickname, name or address).
TEST(Asn1cUbPatch, Utf8StringLengthDoesNoArithmeticOnNull) {
  EXPECT_NE(GeneratedSource("UTF8String.c").find("dst ? dst + dstlen : dst"), std::string::npos);
  uint8_t text[] = {'h', 0xC3, 0xA9};  // "hé": 2 characters
  UTF8String_t st{};
  st.buf = text;
  st.size = sizeof(text);
  EXPECT_EQ(UTF8String_length(&st), 2);
  // The reproducer: a SetNicknameRequest (nickname "hi").
  auto request = Decode<SetNicknameRequest>(Hex("BF29105A0A989920000200002020F190026869"));
  ASSERT_TRUE(request.ok()) << request.status().message();
  EXPECT_EQ(request->profileNickname, "hi");
}

// A long-form length with many octets (A8: 40 of them) shifted a signed length past its top bit
// before the "too large" check ran.
TEST(Asn1cUbPatch, HugeLongFormLengthIsRefusedBeforeOverflowing) {
  EXPECT_NE(GeneratedSource("ber_tlv_length.c").find("too large, refuse before overflowing"), std::string::npos);
  ber_tlv_len_t length = 0;
  // 8 length octets 00 A8 A8 .. A8 (fits), then 8 octets A8 .. A8 (top bit: too large) and
  // 9 octets (does not fit at all).
  const Bytes fits = Hex("88 00A8A8A8A8A8A8A8");
  EXPECT_EQ(ber_fetch_length(0, fits.data(), fits.size(), &length), 9);
  EXPECT_EQ(length, 0x00A8A8A8A8A8A8A8);
  const Bytes top_bit = Hex("88 A8A8A8A8A8A8A8A8");
  EXPECT_EQ(ber_fetch_length(0, top_bit.data(), top_bit.size(), &length), -1);
  const Bytes nine = Hex("89 01A8A8A8A8A8A8A8A8");
  EXPECT_EQ(ber_fetch_length(0, nine.data(), nine.size(), &length), -1);
  // The reproducer: BF3C, length-of-length A8 (40 octets), then more A8 octets.
  Bytes reproducer = Hex("BF3C");
  reproducer.insert(reproducer.end(), 122, 0xA8);
  const Bytes tail = Hex("148008534D44502E434F4D8108736D64732E636F6D");
  reproducer.insert(reproducer.end(), tail.begin(), tail.end());
  auto decoded = Decode<EuiccConfiguredAddressesResponse>(reproducer);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), ErrorCode::kMalformedResponse);
}

// A BIT STRING's unused-bits octet (E5 = 229) was used as a shift count.
TEST(Asn1cUbPatch, BitStringWithMoreThanSevenUnusedBitsIsRefused) {
  EXPECT_NE(GeneratedSource("OCTET_STRING.c").find("shift < 8"), std::string::npos);
  // The reproducer: ListNotificationRequest whose event filter claims 229 unused bits.
  auto decoded = Decode<ListNotificationRequest>(Hex("BF28048102E530"));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().code(), ErrorCode::kMalformedResponse);
  // Valid unused-bit counts still work (disable + delete, 4 unused bits).
  auto valid = Decode<ListNotificationRequest>(Hex("BF280481020430"));
  ASSERT_TRUE(valid.ok()) << valid.status().message();
  ASSERT_TRUE(valid->profileManagementOperation.has_value());
  EXPECT_TRUE(valid->profileManagementOperation->disable);
  EXPECT_TRUE(valid->profileManagementOperation->deletion);
}

// Negative INTEGERs were assembled by left-shifting a negative long.
TEST(Asn1cUbPatch, NegativeIntegersDecodeWithoutShiftingNegatives) {
  EXPECT_NE(GeneratedSource("INTEGER.c").find("unsigned long ul"), std::string::npos);
  struct Case {
    Bytes content;
    long value;
  };
  for (const Case& c : {Case{Hex("F9"), -7}, Case{Hex("FF"), -1}, Case{Hex("8000"), -32768},
                        Case{Hex("7F"), 127}, Case{Hex("8000000000000000"), LONG_MIN},
                        Case{Hex("7FFFFFFFFFFFFFFF"), LONG_MAX}}) {
    Bytes content = c.content;
    INTEGER_t integer{};
    integer.buf = content.data();
    integer.size = static_cast<int>(content.size());
    long value = 0;
    ASSERT_EQ(asn_INTEGER2long(&integer, &value), 0) << ToHex(content);
    EXPECT_EQ(value, c.value) << ToHex(content);
  }
  // The reproducer: ListNotificationResponse with error code -7.
  auto decoded = Decode<ListNotificationResponse>(Hex("BF28038101F9"));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  ASSERT_TRUE(decoded->listNotificationsResultError.has_value());
  EXPECT_EQ(*decoded->listNotificationsResultError, -7);
}

}  // namespace
}  // namespace esim::es10
