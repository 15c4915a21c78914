// readers/atr.h: T=1 detection, the extended Lc/Le capability, the check byte.
#include "readers/atr.h"

#include <gtest/gtest.h>

namespace esim {
namespace {

// The virtual eUICC's ATR: T=0 (TD1 80) and T=15 (TD2 1F), card capabilities 73 FE 21 1B.
const Bytes kVirtualT0 = FromHex("3B9F96801FC78031E073FE211B633A204E8300900093").value();

TEST(AtrTest, CardCapabilitiesWithExtendedLength) {
  // 3B 88 80 01 | 80 73 FF 7F C0 ... : T=0 and T=1, category 80, tag 7 len 3, third byte C0.
  const Bytes atr = {0x3B, 0x88, 0x80, 0x01, 0x80, 0x73, 0xFF, 0x7F, 0xC0, 0x00, 0x00, 0x00,
                     0x00};
  EXPECT_TRUE(AtrAnnouncesExtendedLength(atr));
  EXPECT_TRUE(AtrOffersT1(atr));
  EXPECT_TRUE(AtrOffersExtendedLength(atr));
}

TEST(AtrTest, WithoutExtendedLength) {
  const Bytes no_bit = {0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0xFF, 0x7F, 0x80, 0x00};
  EXPECT_FALSE(AtrAnnouncesExtendedLength(no_bit));
  EXPECT_TRUE(AtrOffersT1(no_bit));
  EXPECT_FALSE(AtrOffersExtendedLength(no_bit));
  const Bytes no_caps = {0x3B, 0x02, 0x14, 0x50};  // historical bytes not compact-TLV
  EXPECT_FALSE(AtrAnnouncesExtendedLength(no_caps));
  EXPECT_FALSE(AtrAnnouncesExtendedLength(Bytes{}));
  EXPECT_FALSE(AtrAnnouncesExtendedLength(Bytes{0x3B, 0x8F, 0x80}));  // truncated
}

TEST(AtrTest, CategoryZeroHistoricalBytesEndWithThreeStatusBytes) {
  // 3B 08 | 00 73 00 00 40 | 00 90 00 (no TDi: T=0 only). The capability is in the TLV part;
  // the same bytes in the status part must not count.
  EXPECT_TRUE(AtrAnnouncesExtendedLength(FromHex("3B080073000040009000").value()));
  EXPECT_FALSE(AtrAnnouncesExtendedLength(FromHex("3B0400734040").value()));
  EXPECT_FALSE(AtrOffersT1(FromHex("3B080073000040009000").value()));
}

TEST(AtrTest, T1DetectionWalksEveryTd) {
  EXPECT_FALSE(AtrOffersT1(kVirtualT0));                      // T=0, then T=15
  EXPECT_FALSE(AtrOffersT1(FromHex("3B00").value()));         // no TD1: T=0 implied
  EXPECT_TRUE(AtrOffersT1(FromHex("3B800181").value()));    // TD1: T=1 only; TCK 81
  EXPECT_TRUE(AtrOffersT1(FromHex("3B80800101").value()));  // T=0, then T=1 in TD2; TCK 01
  EXPECT_FALSE(AtrOffersT1(FromHex("3B8080").value()));       // TD1 says TD2 follows: truncated
  // An interface byte the indicator announces but that is missing: not a valid ATR.
  EXPECT_FALSE(AtrOffersT1(FromHex("3B90").value()));
}

TEST(AtrTest, ChecksumIsRequiredOnceAnythingButT0IsOffered) {
  EXPECT_TRUE(AtrChecksumValid(kVirtualT0));
  EXPECT_TRUE(AtrChecksumValid(FromHex("3B800181").value()));
  EXPECT_TRUE(AtrChecksumValid(FromHex("3B80800101").value()));
  Bytes bad = kVirtualT0;
  bad.back() ^= 0x01;
  EXPECT_FALSE(AtrChecksumValid(bad));
  Bytes missing(kVirtualT0.begin(), kVirtualT0.end() - 1);
  EXPECT_FALSE(AtrChecksumValid(missing));
  EXPECT_TRUE(AtrChecksumValid(FromHex("3B00").value()));     // T=0 only: no TCK
  EXPECT_FALSE(AtrChecksumValid(FromHex("3B0000").value()));  // T=0 only with a stray byte
}

TEST(AtrTest, TheVirtualCardsDefaultAtrOffersNoExtendedLength) {
  EXPECT_FALSE(AtrAnnouncesExtendedLength(kVirtualT0));  // capabilities 1B: bit 7 clear
  EXPECT_FALSE(AtrOffersExtendedLength(kVirtualT0));
}

}  // namespace
}  // namespace esim
