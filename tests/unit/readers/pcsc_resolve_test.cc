// ResolveReaderName (the --reader rules). The ATR checks are in atr_test.cc.
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

}  // namespace
}  // namespace esim
