#include "apdu/isdr_aids.h"

#include <gtest/gtest.h>

namespace esim::apdu {
namespace {

TEST(IsdrAidsTest, FactsSheetOrder) {
  const std::vector<Bytes>& aids = KnownIsdrAids();
  ASSERT_EQ(aids.size(), 7u);
  EXPECT_EQ(ToHex(aids[0]), "A0000005591010FFFFFFFF8900000100");
  EXPECT_EQ(ToHex(aids[1]), "A0000005591010FFFFFFFF8900050500");
  EXPECT_EQ(ToHex(aids[2]), "A0000005591010000000008900000300");
  EXPECT_EQ(ToHex(aids[3]), "A0000005591010FFFFFFFF8900000177");
  EXPECT_EQ(ToHex(aids[4]), "A000000559104C696E6B736669656C64");
  EXPECT_EQ(ToHex(aids[5]), "A06573746B6D65FFFF4953442D522030");
  EXPECT_EQ(ToHex(aids[6]), "A06573746B6D65FFFF4953442D522031");
  for (const Bytes& aid : aids) EXPECT_EQ(aid.size(), 16u);
}

TEST(IsdrAidsTest, Names) {
  const std::vector<Bytes>& aids = KnownIsdrAids();
  EXPECT_EQ(IsdrAidName(aids[0]), "GSMA standard");
  EXPECT_EQ(IsdrAidName(aids[1]), "5ber");
  EXPECT_EQ(IsdrAidName(aids[6]), "eSTK.me SE1");
  EXPECT_EQ(IsdrAidName(Bytes{0xA0, 0x00}), "");
}

}  // namespace
}  // namespace esim::apdu
