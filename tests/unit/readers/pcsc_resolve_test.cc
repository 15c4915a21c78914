// ResolveReaderName (the --reader rules) and the ATR extended-length check.
#include <gtest/gtest.h>

#include "readers/pcsc_reader.h"

namespace esim {
namespace {

const std::vector<std::string> kReaders = {"Virtual PCD 00 00", "Virtual PCD 00 01",
                                           "ACS ACR39U ICC Reader 01 00"};

std::string Resolve(const std::string& spec, std::vector<bool> present = {false, false, false}) {
  auto r = ResolveReaderName(spec, kReaders, present);
  return r.ok() ? *r : std::string("error:") + ErrorCodeName(r.status().code());
}

TEST(ResolveReaderTest, ExactName) { EXPECT_EQ(Resolve("Virtual PCD 00 01"), kReaders[1]); }

TEST(ResolveReaderTest, Index) {
  EXPECT_EQ(Resolve("0"), kReaders[0]);
  EXPECT_EQ(Resolve("2"), kReaders[2]);
  EXPECT_EQ(Resolve("3"), "error:reader_not_found");
}

TEST(ResolveReaderTest, UniqueCaseInsensitiveSubstring) {
  EXPECT_EQ(Resolve("acr39"), kReaders[2]);
  EXPECT_EQ(Resolve("pcd 00 01"), kReaders[1]);
}

TEST(ResolveReaderTest, AmbiguousOrUnknownListsTheReaders) {
  auto r = ResolveReaderName("virtual", kReaders, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kReaderNotFound);
  EXPECT_NE(r.status().message().find("matches 2 readers"), std::string::npos);
  EXPECT_NE(r.status().message().find("1: 'Virtual PCD 00 01'"), std::string::npos);
  r = ResolveReaderName("gemalto", kReaders, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kReaderNotFound);
  EXPECT_NE(r.status().message().find("2: 'ACS ACR39U ICC Reader 01 00'"), std::string::npos);
}

TEST(ResolveReaderTest, EmptySpecPicksTheOnlyReaderOrTheOnlyCard) {
  EXPECT_EQ(ResolveReaderName("", {"Only"}, {false}).value(), "Only");
  EXPECT_EQ(Resolve("", {false, false, true}), kReaders[2]);
  EXPECT_EQ(Resolve("", {false, false, false}), "error:no_card");
  EXPECT_EQ(Resolve("", {true, false, true}), "error:reader_not_found");
}

TEST(ResolveReaderTest, NoReaders) {
  auto r = ResolveReaderName("", {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNoReader);
}

TEST(AtrTest, CardCapabilitiesWithExtendedLength) {
  // 3B 8A 80 01 | 80 73 FF 7F C0 ... : T=1, category 80, tag 7 len 3, third byte C0 (b7 set).
  const Bytes atr = {0x3B, 0x88, 0x80, 0x01, 0x80, 0x73, 0xFF, 0x7F, 0xC0, 0x00, 0x00, 0x00,
                     0x00};
  EXPECT_TRUE(AtrAnnouncesExtendedLength(atr));
}

TEST(AtrTest, WithoutExtendedLength) {
  const Bytes no_bit = {0x3B, 0x85, 0x80, 0x01, 0x80, 0x73, 0xFF, 0x7F, 0x80, 0x00};
  EXPECT_FALSE(AtrAnnouncesExtendedLength(no_bit));
  const Bytes no_caps = {0x3B, 0x02, 0x14, 0x50};  // historical bytes not compact-TLV
  EXPECT_FALSE(AtrAnnouncesExtendedLength(no_caps));
  EXPECT_FALSE(AtrAnnouncesExtendedLength(Bytes{}));
  EXPECT_FALSE(AtrAnnouncesExtendedLength(Bytes{0x3B, 0x8F, 0x80}));  // truncated
}

}  // namespace
}  // namespace esim
