// The BPP load over both APDU forms (short APDUs answered through 61xx, one extended APDU per
// piece) and the segment delay knob.
#include <chrono>

#include "tests/unit/vcard/download_test_util.h"

namespace esim::vcard::testing {
namespace {

constexpr const char* kIccid = "8949449999999990023";

class ShortApduDownloadTest : public DownloadFixture {
  VirtualEuicc::Options Options() override {
    VirtualEuicc::Options o;
    o.short_apdu_only = true;
    return o;
  }
};

TEST_F(ShortApduDownloadTest, DownloadsInShortBlocksWithTheResultThroughGetResponse) {
  Handshake();
  auto r = Load(Build(Metadata(kIccid), ReadBytes(Ts48("TS48V1-A-UNIQUE.der"))));
  ASSERT_EQ(r.sw, 0x9000);
  ASSERT_GE(r.data.size(), 2u);
  EXPECT_EQ(ToHex(ByteView(r.data).first(2)), "BF37");
  EXPECT_EQ(InstallError(r.data).first, -1);
  EXPECT_EQ(ReadJson(state_path_)["profiles"].size(), 1u);
}

class ExtendedDownloadTest : public DownloadFixture {
  VirtualEuicc::Options Options() override {
    VirtualEuicc::Options o;
    o.extended_length = true;
    return o;
  }
};

TEST_F(ExtendedDownloadTest, OneExtendedApduPerPiece) {
  Handshake();
  Bpp bpp = Build(Metadata(kIccid), ReadBytes(Ts48("TS48V1-A-UNIQUE.der")));
  Rapdu r;
  for (const Bytes& piece : bpp.pieces) {
    ASSERT_LE(piece.size(), 1020u + 300u);  // a segment, or BF36's header with BF23
    r = Es10(piece, 0, 65535, true);
    ASSERT_EQ(r.sw, 0x9000);
  }
  EXPECT_EQ(InstallError(r.data).first, -1) << ToHex(r.data);
  EXPECT_EQ(ReadJson(state_path_)["profiles"].size(), 1u);
}

class SplitHeaderTest : public DownloadFixture {};

TEST_F(SplitHeaderTest, Bf36HeaderAloneThenBf23) {
  Handshake();
  Bpp bpp = Build(Metadata(kIccid), ReadBytes(Ts48("TS48V1-A-UNIQUE.der")));
  const Bytes& first = bpp.pieces[0];  // BF 36 82 LL LL, then BF23
  ASSERT_EQ(first[2], 0x82);
  auto r = Es10(Bytes(first.begin(), first.begin() + 5));
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_TRUE(r.data.empty());
  r = Es10(Bytes(first.begin() + 5, first.end()));
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_TRUE(r.data.empty());
  bpp.pieces.erase(bpp.pieces.begin());
  r = Load(bpp);
  EXPECT_EQ(InstallError(r.data).first, -1) << ToHex(r.data);
  EXPECT_EQ(ReadJson(state_path_)["profiles"].size(), 1u);
}

class SlowSegmentTest : public DownloadFixture {
  VirtualEuicc::Options Options() override {
    VirtualEuicc::Options o;
    o.bpp_segment_delay_ms = 100;
    return o;
  }
};

TEST_F(SlowSegmentTest, EachLoadSequenceIsDelayed) {
  Handshake();
  Bpp bpp = Build(Metadata(kIccid), ReadBytes(Ts48("TS48V1-A-UNIQUE.der")));
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(Es10(bpp.pieces[0]).sw, 0x9000);
  ASSERT_EQ(Es10(bpp.pieces[1]).sw, 0x9000);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
  // Other functions are not slowed down.
  start = std::chrono::steady_clock::now();
  Es10("BF2000");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));  // no delay at all, with margin for a busy machine
}

}  // namespace
}  // namespace esim::vcard::testing
