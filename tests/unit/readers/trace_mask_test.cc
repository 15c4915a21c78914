#include "readers/trace_mask.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "readers/replay_reader.h"
#include "readers/trace_reader.h"
#include "tests/unit/apdu/scripted_reader.h"

namespace esim {
namespace {

using esim::testing::ScriptedReader;

// "ABCD-1234" = 41 42 43 44 2D 31 32 33 34; in ctxParams1 as 80 09 <id>.
class TraceMaskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ClearTraceSecrets();
    RegisterTraceSecret("ABCD-1234");
  }
  void TearDown() override { ClearTraceSecrets(); }
};

TEST_F(TraceMaskTest, WholeIdInOneCommandKeepsLengths) {
  TraceMasker masker;
  bool masked = false;
  const std::string hex = masker.Command(FromHex("80E2110010BF380AA0088009414243442D3132333400").value(), &masked);
  EXPECT_TRUE(masked);
  EXPECT_EQ(hex, "80E2110010BF380AA0088009******************00");
}

TEST_F(TraceMaskTest, IdCutBetweenTwoStoreDataBlocks) {
  TraceMasker masker;
  bool masked = false;
  // The first block ends in 80 09 41 42 43 44 (then Le), the next starts with the rest.
  EXPECT_EQ(masker.Command(FromHex("80E211000BBF380BA00D80094142434400").value(), &masked),
            "80E211000BBF380BA00D8009********00");
  EXPECT_TRUE(masked);
  EXPECT_EQ(masker.Command(FromHex("80E21101072D31323334A100").value(), &masked), "80E2110107**********A100");
  EXPECT_TRUE(masked);
  // The carry is used once: the same bytes in a later command are not a continuation.
  EXPECT_EQ(masker.Command(FromHex("80E21102072D31323334A100").value(), &masked), "80E21102072D31323334A100");
  EXPECT_FALSE(masked);
}

TEST_F(TraceMaskTest, EchoCutBetweenGetResponseChunks) {
  TraceMasker masker;
  EXPECT_EQ(masker.AnswerData(FromHex("BF3820A01E80094142").value()), "BF3820A01E8009****");
  EXPECT_EQ(masker.AnswerData(FromHex("43442D31323334A100").value()), "**************A100");
}

TEST_F(TraceMaskTest, BareIdAndNothingElse) {
  TraceMasker masker;
  EXPECT_EQ(masker.AnswerData(FromHex("0441424344 2D31323334 05").value()), "04******************05");
  bool masked = true;
  EXPECT_EQ(masker.Command(FromHex("80E2910003BF2D0000").value(), &masked), "80E2910003BF2D0000");
  EXPECT_FALSE(masked);
  ClearTraceSecrets();
  EXPECT_EQ(masker.AnswerData(FromHex("414243442D31323334").value()), "414243442D31323334");
}

// A trace written with a masked ID replays: "**" in a command matches any byte, in an answer
// it reads as '*' (2A); other bytes still have to match.
TEST_F(TraceMaskTest, MaskedTraceReplays) {
  auto card = std::make_unique<ScriptedReader>();
  card->Expect("80E211000BBF380BA00D80094142434400", "6109")
      .Expect("80E21101072D31323334A100", "BF3807800941424344 9000");
  std::ostringstream out;
  TraceOptions options;
  options.header = false;
  TracingReader tracer(std::move(card), out, options);
  ASSERT_TRUE(tracer.Transmit(FromHex("80E211000BBF380BA00D80094142434400").value()).ok());
  ASSERT_TRUE(tracer.Transmit(FromHex("80E21101072D31323334A100").value()).ok());
  const std::string text = out.str();
  EXPECT_EQ(text.find("ABCD"), std::string::npos) << text;
  EXPECT_EQ(text.find("414243"), std::string::npos) << text;
  EXPECT_NE(text.find("> 80E211000BBF380BA00D8009********00  # matching ID masked\n"), std::string::npos) << text;
  EXPECT_NE(text.find("< BF38078009********9000  # matching ID masked\n"), std::string::npos) << text;

  auto replay = ReplayReader::FromText(text, "masked.trace");
  ASSERT_TRUE(replay.ok()) << replay.status().message();
  // Another matching ID of the same length matches the masked bytes.
  ASSERT_TRUE((*replay)->Transmit(FromHex("80E211000BBF380BA00D80095A5A5A5A00").value()).ok());
  auto answer = (*replay)->Transmit(FromHex("80E21101072D31323334A100").value());
  ASSERT_TRUE(answer.ok()) << answer.status().message();
  EXPECT_EQ(ToHex(*answer), "BF380780092A2A2A2A9000");

  auto again = ReplayReader::FromText(text, "masked.trace");
  ASSERT_TRUE(again.ok());
  auto mismatch = (*again)->Transmit(FromHex("80E211000BBF380BA00D80085A5A5A5A00").value());
  EXPECT_FALSE(mismatch.ok());
}

TEST(ReplayMaskedHexTest, LoneStarIsRejected) {
  EXPECT_FALSE(ReplayReader::FromText("> 80E2*10000\n", "bad").ok());
}

}  // namespace
}  // namespace esim
