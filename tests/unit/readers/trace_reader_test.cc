#include "readers/trace_reader.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "apdu/response_apdu.h"
#include "readers/replay_reader.h"
#include "tests/unit/apdu/scripted_reader.h"

namespace esim {
namespace {

using esim::testing::ScriptedReader;

TraceOptions NoHeader() {
  TraceOptions options;
  options.header = false;
  return options;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::unique_ptr<ScriptedReader> TwoExchangeCard() {
  auto card = std::make_unique<ScriptedReader>();
  card->set_atr(FromHex("3B9F96803FC7008031E073FE211B").value());
  card->Expect("80E2910003BF2D0000", "BF2D03810101 9000").Expect("80E2910003BF3E0000", "6A88");
  return card;
}

TEST(TracingReaderTest, WritesHeaderAndExchanges) {
  std::ostringstream out;
  TracingReader reader(TwoExchangeCard(), out);
  EXPECT_EQ(ToHex(reader.Transmit(FromHex("80E2910003BF2D0000").value()).value()),
            "BF2D038101019000");
  EXPECT_EQ(ToHex(reader.Transmit(FromHex("80E2910003BF3E0000").value()).value()), "6A88");
  const std::string text = out.str();
  EXPECT_TRUE(Contains(text, "# reader: scripted\n")) << text;
  EXPECT_TRUE(Contains(text, "# ATR: 3B9F96803FC7008031E073FE211B\n")) << text;
  EXPECT_TRUE(Contains(text, "# time: ")) << text;
  EXPECT_TRUE(Contains(text,
                       "> 80E2910003BF2D0000\n< BF2D038101019000\n"
                       "> 80E2910003BF3E0000\n< 6A88\n"))
      << text;
  EXPECT_EQ(reader.Name(), "scripted");
  EXPECT_EQ(ToHex(reader.Atr()), "3B9F96803FC7008031E073FE211B");
}

TEST(TracingReaderTest, AnnotatedLogForVerboseMode) {
  std::ostringstream out;
  TraceOptions options;
  options.header = false;
  options.annotate = true;
  options.describe_sw = apdu::DescribeStatusWord;
  TracingReader reader(TwoExchangeCard(), out, options);
  ASSERT_TRUE(reader.Transmit(FromHex("80E2910003BF2D0000").value()).ok());
  ASSERT_TRUE(reader.Transmit(FromHex("80E2910003BF3E0000").value()).ok());
  const std::string text = out.str();
  EXPECT_EQ(text.rfind("> 80E2910003BF2D0000\n< BF2D03810101 9000  # ok, ", 0), 0u) << text;
  EXPECT_TRUE(Contains(text, "< 6A88  # referenced data not found, ")) << text;
  EXPECT_TRUE(Contains(text, " ms\n")) << text;
  EXPECT_FALSE(Contains(text, "# reader:")) << text;
}

TEST(TracingReaderTest, RecordsReaderFailuresAsComments) {
  auto card = std::make_unique<ScriptedReader>();
  card->ExpectFailure("80E2910003BF2D0000", Status(ErrorCode::kCardRemoved, "card\nremoved"));
  std::ostringstream out;
  TracingReader reader(std::move(card), out, NoHeader());
  EXPECT_EQ(reader.Transmit(FromHex("80E2910003BF2D0000").value()).status().code(),
            ErrorCode::kCardRemoved);
  EXPECT_EQ(out.str(), "> 80E2910003BF2D0000\n# error: card_removed: card removed\n");
}

TEST(TracingReaderTest, RecordsReconnects) {
  std::ostringstream out;
  auto card = std::make_unique<ScriptedReader>();
  ScriptedReader* raw = card.get();
  TracingReader reader(std::move(card), out, NoHeader());
  EXPECT_TRUE(reader.Reconnect(true).ok());
  EXPECT_EQ(raw->reconnects(), 1);
  EXPECT_EQ(out.str(), "# reconnect (reset)\n");
}

// A session asks the wrapped reader what it can carry: tracing must not change the answers.
TEST(TracingReaderTest, ForwardsTheInnerReadersCapabilities) {
  class ModemLike : public ScriptedReader {
   public:
    size_t MaxCommandSize() const override { return 120; }
    bool BasicChannelUsable() const override { return false; }
  };
  std::ostringstream out;
  auto card = std::make_unique<ModemLike>();
  card->set_extended_length(true);
  TracingReader modem(std::move(card), out, NoHeader());
  EXPECT_TRUE(modem.SupportsExtendedLength());
  EXPECT_EQ(modem.MaxCommandSize(), 120u);
  EXPECT_FALSE(modem.BasicChannelUsable());
  TracingReader plain(std::make_unique<ScriptedReader>(), out, NoHeader());
  EXPECT_TRUE(plain.BasicChannelUsable());
}

TEST(TracingReaderTest, ToFileFailsOnUnwritablePath) {
  auto r = TracingReader::ToFile(std::make_unique<ScriptedReader>(), "/nonexistent-dir/x.trace");
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
}

// Record through TracingReader, replay through ReplayReader: same answers, same ATR.
TEST(TraceRoundTripTest, ReplayGivesIdenticalAnswers) {
  const std::string path = ::testing::TempDir() + "/esim_trace_roundtrip.trace";
  const std::vector<std::string> commands = {"80E2910003BF2D0000", "80E2910003BF3E0000"};
  std::vector<Bytes> recorded;
  {
    auto tracing = TracingReader::ToFile(TwoExchangeCard(), path);
    ASSERT_TRUE(tracing.ok()) << tracing.status().message();
    for (const auto& c : commands) recorded.push_back((*tracing)->Transmit(FromHex(c).value()).value());
  }
  auto replay = ReplayReader::Open(path);
  ASSERT_TRUE(replay.ok()) << replay.status().message();
  EXPECT_EQ(ToHex((*replay)->Atr()), "3B9F96803FC7008031E073FE211B");
  EXPECT_EQ((*replay)->Name(), "replay:" + path);
  for (size_t i = 0; i < commands.size(); ++i) {
    Result<Bytes> answer = (*replay)->Transmit(FromHex(commands[i]).value());
    ASSERT_TRUE(answer.ok()) << answer.status().message();
    EXPECT_EQ(*answer, recorded[i]);
  }
  EXPECT_EQ((*replay)->remaining(), 0u);
  std::remove(path.c_str());
}

TEST(TraceRoundTripTest, AnnotatedLogReplaysToo) {
  std::ostringstream out;
  TraceOptions options;
  options.annotate = true;
  options.describe_sw = apdu::DescribeStatusWord;
  std::vector<Bytes> recorded;
  {
    TracingReader reader(TwoExchangeCard(), out, options);
    recorded.push_back(reader.Transmit(FromHex("80E2910003BF2D0000").value()).value());
    recorded.push_back(reader.Transmit(FromHex("80E2910003BF3E0000").value()).value());
  }
  auto replay = ReplayReader::FromText(out.str(), "log");
  ASSERT_TRUE(replay.ok()) << replay.status().message();
  EXPECT_EQ((*replay)->Transmit(FromHex("80E2910003BF2D0000").value()).value(), recorded[0]);
  EXPECT_EQ((*replay)->Transmit(FromHex("80E2910003BF3E0000").value()).value(), recorded[1]);
}

}  // namespace
}  // namespace esim
