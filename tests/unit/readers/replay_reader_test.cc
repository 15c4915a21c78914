#include "readers/replay_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace esim {
namespace {

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

constexpr char kTrace[] =
    "# esimctl APDU trace\n"
    "# reader: Some Reader 00 00\n"
    "# ATR: 3B 9F 96\n"
    "\n"
    "> 00A4040010 A0000005591010FFFFFFFF8900000100 00\n"
    "< 9000\n"
    "   > 80e2910003bf2d0000   # lower case and indentation are fine\n"
    "< BF2D03810101 9000  # ok, 12.0 ms\n";

std::unique_ptr<ReplayReader> Parse(const std::string& text) {
  auto r = ReplayReader::FromText(text, "t.trace");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : nullptr;
}

TEST(ReplayReaderTest, ParsesCommentsAtrAndSpacedHex) {
  auto reader = Parse(kTrace);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(ToHex(reader->Atr()), "3B9F96");
  EXPECT_EQ(reader->Name(), "replay:t.trace");
  ASSERT_EQ(reader->exchanges().size(), 2u);
  EXPECT_EQ(reader->exchanges()[0].command_line, 5u);
  EXPECT_EQ(reader->exchanges()[1].response_line, 8u);
  EXPECT_EQ(ToHex(reader->Transmit(FromHex("00A4040010A0000005591010FFFFFFFF890000010000").value())
                      .value()),
            "9000");
  EXPECT_EQ(ToHex(reader->Transmit(FromHex("80E2910003BF2D0000").value()).value()),
            "BF2D038101019000");
  EXPECT_EQ(reader->remaining(), 0u);
}

TEST(ReplayReaderTest, NoAtrCommentMeansEmptyAtr) {
  auto reader = Parse("> 00700000 01\n< 01 9000\n");
  ASSERT_NE(reader, nullptr);
  EXPECT_TRUE(reader->Atr().empty());
}

TEST(ReplayReaderTest, MismatchShowsExpectedGotAndLine) {
  auto reader = Parse(kTrace);
  ASSERT_NE(reader, nullptr);
  Result<Bytes> r = reader->Transmit(FromHex("80E2910003BF2D0000").value());
  EXPECT_EQ(r.status().code(), ErrorCode::kReaderError);
  const std::string m = r.status().message();
  EXPECT_TRUE(Contains(m, "t.trace:5")) << m;
  EXPECT_TRUE(Contains(m, "expected command 00A4040010A0000005591010FFFFFFFF890000010000")) << m;
  EXPECT_TRUE(Contains(m, "got 80E2910003BF2D0000")) << m;
}

TEST(ReplayReaderTest, RunningPastTheEnd) {
  auto reader = Parse("> 0070000001\n< 019000\n");
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(reader->Transmit(FromHex("0070000001").value()).ok());
  Result<Bytes> r = reader->Transmit(FromHex("0070800100").value());
  EXPECT_EQ(r.status().code(), ErrorCode::kReaderError);
  EXPECT_TRUE(Contains(r.status().message(), "trace ended")) << r.status().message();
}

TEST(ReplayReaderTest, RecordedFailureReplaysAsReaderError) {
  auto reader = Parse(
      "> 0070000001\n# error: card_removed: gone\n> 0070000001\n< 019000\n");
  ASSERT_NE(reader, nullptr);
  ASSERT_EQ(reader->exchanges().size(), 2u);
  EXPECT_EQ(reader->Transmit(FromHex("0070000001").value()).status().code(),
            ErrorCode::kReaderError);
  EXPECT_TRUE(reader->Transmit(FromHex("0070000001").value()).ok());
}

struct BadTrace {
  const char* text;
  const char* line;      // expected "t.trace:N"
  const char* message;   // expected part of the message
};

class ReplayReaderBadLineTest : public ::testing::TestWithParam<BadTrace> {};

TEST_P(ReplayReaderBadLineTest, ReportsLineNumber) {
  const BadTrace& bad = GetParam();
  auto r = ReplayReader::FromText(bad.text, "t.trace");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(Contains(r.status().message(), bad.line)) << r.status().message();
  EXPECT_TRUE(Contains(r.status().message(), bad.message)) << r.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ReplayReaderBadLineTest,
    ::testing::Values(BadTrace{"# c\n> 0070000001\nhello\n", "t.trace:3:", "expected a line"},
                      BadTrace{"> 00700000XY\n", "t.trace:1:", "bad hex"},
                      BadTrace{"> 007000000\n", "t.trace:1:", "bad hex"},
                      BadTrace{"\n\n< 9000\n", "t.trace:3:", "without a preceding"},
                      BadTrace{"> 0070\n", "t.trace:1:", "shorter than the 4 header bytes"},
                      BadTrace{"> 0070000001\n< 90\n", "t.trace:2:", "2 status bytes"},
                      BadTrace{"# ATR: 3BZZ\n", "t.trace:1:", "bad ATR"}));

TEST(ReplayReaderTest, MissingFileIsIo) {
  EXPECT_EQ(ReplayReader::Open("/nonexistent-dir/none.trace").status().code(), ErrorCode::kIo);
}

TEST(ReplayReaderTest, ReconnectIsANoOp) {
  auto reader = Parse(kTrace);
  ASSERT_NE(reader, nullptr);
  EXPECT_TRUE(reader->Reconnect(true).ok());
  EXPECT_EQ(reader->remaining(), 2u);
}

TEST(ReplayReaderTest, ExtendedLengthWhenTheRecordedSessionUsedIt) {
  // Short APDUs only (Le-only 5-byte commands included): replayed short.
  auto short_trace = Parse(kTrace + std::string("> 00C0000010\n< 9000\n"));
  ASSERT_NE(short_trace, nullptr);
  EXPECT_FALSE(short_trace->SupportsExtendedLength());
  // One extended STORE DATA (Lc 00 0003, Le 0000): the session that recorded it used extended
  // length, so the replay must too, even when the card then refused it (6700).
  auto extended = Parse("> 00A4040010A0000005591010FFFFFFFF890000010000\n< 9000\n"
                        "> 80E29100000003BF2D000000\n< 6700\n"
                        "> 80E2910003BF2D0000\n< BF2D00 9000\n");
  ASSERT_NE(extended, nullptr);
  EXPECT_TRUE(extended->SupportsExtendedLength());
}

}  // namespace
}  // namespace esim
