#include "apdu/command_apdu.h"

#include <gtest/gtest.h>

#include <string>

namespace esim::apdu {
namespace {

std::string EncodeHex(const CommandApdu& c, bool extended) {
  Result<Bytes> encoded = c.Encode(extended);
  if (!encoded.ok()) return "error: " + encoded.status().message();
  return ToHex(*encoded);
}

Bytes Filled(size_t n) { return Bytes(n, 0xAB); }

TEST(CommandApduTest, ShortCase1IsHeaderOnly) {
  EXPECT_EQ(EncodeHex({0x00, 0x70, 0x80, 0x01, {}, std::nullopt}, false), "00708001");
}

TEST(CommandApduTest, ShortCase2) {
  EXPECT_EQ(EncodeHex({0x00, 0x70, 0x00, 0x00, {}, 1}, false), "0070000001");
  EXPECT_EQ(EncodeHex({0x00, 0xC0, 0x00, 0x00, {}, 256}, false), "00C0000000");
}

TEST(CommandApduTest, ShortCase3) {
  EXPECT_EQ(EncodeHex({0x80, 0xE2, 0x91, 0x00, {0xBF, 0x2D, 0x00}, std::nullopt}, false),
            "80E2910003BF2D00");
  EXPECT_TRUE(CommandApdu({0x80, 0xE2, 0x91, 0x00, Filled(255), std::nullopt}).Encode(false).ok());
}

TEST(CommandApduTest, ShortCase4) {
  EXPECT_EQ(EncodeHex({0x80, 0xE2, 0x91, 0x00, {0xBF, 0x2D, 0x00}, 256}, false),
            "80E2910003BF2D0000");
  EXPECT_EQ(EncodeHex({0x00, 0xA4, 0x04, 0x00, {0xA0, 0x00}, 16}, false), "00A4040002A00010");
}

TEST(CommandApduTest, ShortRejectsWhatDoesNotFit) {
  CommandApdu too_much_data{0x80, 0xE2, 0x91, 0x00, Filled(256), std::nullopt};
  EXPECT_EQ(too_much_data.Encode(false).status().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(too_much_data.NeedsExtended());
  CommandApdu too_big_le{0x00, 0xC0, 0x00, 0x00, {}, 257};
  EXPECT_EQ(too_big_le.Encode(false).status().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(too_big_le.NeedsExtended());
}

TEST(CommandApduTest, ZeroOrHugeLeIsRejected) {
  EXPECT_EQ(CommandApdu({0, 0xC0, 0, 0, {}, 0}).Encode(false).status().code(),
            ErrorCode::kInvalidInput);
  EXPECT_EQ(CommandApdu({0, 0xC0, 0, 0, {}, 0}).Encode(true).status().code(),
            ErrorCode::kInvalidInput);
  EXPECT_EQ(CommandApdu({0, 0xC0, 0, 0, {}, 65537}).Encode(true).status().code(),
            ErrorCode::kInvalidInput);
}

TEST(CommandApduTest, ExtendedCase1IsHeaderOnly) {
  EXPECT_EQ(EncodeHex({0x00, 0x70, 0x80, 0x01, {}, std::nullopt}, true), "00708001");
}

TEST(CommandApduTest, ExtendedCase2) {
  EXPECT_EQ(EncodeHex({0x00, 0xCA, 0x00, 0x00, {}, 300}, true), "00CA000000012C");
  EXPECT_EQ(EncodeHex({0x00, 0xCA, 0x00, 0x00, {}, 65536}, true), "00CA0000000000");
}

TEST(CommandApduTest, ExtendedCase3) {
  Result<Bytes> encoded = CommandApdu{0x80, 0xE2, 0x91, 0x00, Filled(300), std::nullopt}.Encode(true);
  ASSERT_TRUE(encoded.ok());
  ASSERT_EQ(encoded->size(), 4u + 3u + 300u);
  EXPECT_EQ(ToHex(ByteView(*encoded).first(7)), "80E2910000012C");
}

TEST(CommandApduTest, ExtendedCase4HasTwoByteLeAfterData) {
  EXPECT_EQ(EncodeHex({0x80, 0xE2, 0x91, 0x00, {0xBF, 0x2D, 0x00}, 65536}, true),
            "80E29100000003BF2D000000");
  Result<Bytes> big = CommandApdu{0x80, 0xE2, 0x91, 0x00, Filled(1000), 65536}.Encode(true);
  ASSERT_TRUE(big.ok());
  ASSERT_EQ(big->size(), 4u + 3u + 1000u + 2u);
  EXPECT_EQ(ToHex(ByteView(*big).first(7)), "80E291000003E8");
  EXPECT_EQ(ToHex(ByteView(*big).last(2)), "0000");
}

TEST(CommandApduTest, ExtendedRejectsDataOver65535) {
  EXPECT_EQ(CommandApdu({0x80, 0xE2, 0x91, 0x00, Filled(65536), std::nullopt})
                .Encode(true)
                .status()
                .code(),
            ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace esim::apdu
