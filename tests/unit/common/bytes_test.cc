#include "common/bytes.h"

#include <gtest/gtest.h>

namespace esim {
namespace {

TEST(HexTest, RoundTripsUpperCase) {
  Bytes b{0x00, 0xBF, 0x2D, 0xFF};
  EXPECT_EQ(ToHex(b), "00BF2DFF");
  auto parsed = FromHex("00bf2dFF");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, b);
}

TEST(HexTest, IgnoresSeparators) {
  auto parsed = FromHex("BF 2D:00\n");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(ToHex(*parsed), "BF2D00");
}

TEST(HexTest, RejectsOddLengthAndBadDigits) {
  EXPECT_EQ(FromHex("ABC").status().code(), ErrorCode::kInvalidInput);
  auto bad = FromHex("0G");
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(bad.status().message().find("'G'"), std::string::npos);
}

TEST(StatusTest, ContextKeepsCode) {
  Status s(ErrorCode::kNoCard, "no card in reader");
  Status c = s.WithContext("Virtual PCD 00 00");
  EXPECT_EQ(c.code(), ErrorCode::kNoCard);
  EXPECT_EQ(c.message(), "Virtual PCD 00 00: no card in reader");
}

}  // namespace
}  // namespace esim
