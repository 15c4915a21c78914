// OpenVirtualReader: the Reader interface over an in-process virtual eUICC (InProcessReader).
#include "tests/unit/vcard/vcard_test_util.h"
#include "vcard/virtual_reader.h"

namespace esim::vcard::testing {
namespace {

TEST(VirtualReaderTest, OpenTransmitAndName) {
  TempDir dir;
  std::filesystem::copy_file(DefaultStatePath(), dir.File("card.json"));
  auto reader = OpenVirtualReader(dir.File("card.json"), {});
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_EQ((*reader)->Name(), "virtual:" + dir.File("card.json"));
  EXPECT_FALSE((*reader)->SupportsExtendedLength());  // T=0 ATR: see extended_length_test.cc
  EXPECT_EQ((*reader)->Atr()[0], 0x3B);
  auto open = (*reader)->Transmit(H("0070000001"));
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(ToHex(*open), "019000");
  ASSERT_TRUE((*reader)->Reconnect(/*reset=*/true).ok());
  auto closed = (*reader)->Transmit(H("0170800100"));
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(ToHex(*closed), "6881");
}

TEST(VirtualReaderTest, LostAnswerIsAReaderErrorAndResetsTheCard) {
  TempDir dir;
  std::filesystem::copy_file(DefaultStatePath(), dir.File("card.json"));
  VirtualEuicc::Options o;
  o.drop_response_after_enable = true;
  auto reader = OpenVirtualReader(dir.File("card.json"), o);
  ASSERT_TRUE(reader.ok());
  ASSERT_EQ(ToHex(*(*reader)->Transmit(H("00A4040C10A0000005591010FFFFFFFF8900000100"))), "9000");
  // EnableProfile Contoso by ICCID, refreshFlag false.
  auto lost = (*reader)->Transmit(H("80E2910014BF3111A00C5A0A989920000200002020F181010000"));
  EXPECT_EQ(lost.status().code(), ErrorCode::kReaderError);
  // Reset: the ISD-R must be selected again.
  EXPECT_EQ(ToHex(*(*reader)->Transmit(H("80E2910006BF3E035C015A00"))), "6982");
}

TEST(VirtualReaderTest, OpenFailsWithTheLoadError) {
  auto reader = OpenVirtualReader("/nonexistent/card.json", {});
  EXPECT_EQ(reader.status().code(), ErrorCode::kIo);
}

}  // namespace
}  // namespace esim::vcard::testing
