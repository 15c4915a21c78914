// InProcessReader: the Reader interface over any InProcessCard, here a scripted one.
#include "readers/in_process_reader.h"

#include <memory>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "common/bytes.h"

namespace esim {
namespace {

// T=0 only, no card capabilities: no extended length.
const char kT0Atr[] = "3B9F96801FC78031E073FE211B633A204E8300900093";
// The same card offering T=1 with extended Lc/Le announced (73 FE 21 5B), TCK computed.
const char kT1ExtendedAtr[] = "3B9F96811FC78031E073FE215B633A204E83009000D2";

// Answers every command 9000 except one it "loses" (empty answer); counts resets.
class ScriptedCard : public InProcessCard {
 public:
  explicit ScriptedCard(Bytes atr, int* resets) : atr_(std::move(atr)), resets_(resets) {}
  Bytes Atr() const override { return atr_; }
  void Reset() override { ++*resets_; }
  Bytes Process(ByteView command) override {
    if (command.size() >= 2 && command[1] == 0xEE) return Bytes{};  // the lost answer
    return Bytes{0x90, 0x00};
  }

 private:
  Bytes atr_;
  int* resets_;
};

std::unique_ptr<InProcessReader> ReaderWith(const char* atr_hex, int* resets) {
  return std::make_unique<InProcessReader>(
      "virtual:card.json", std::make_unique<ScriptedCard>(*FromHex(atr_hex), resets));
}

TEST(InProcessReaderTest, TransmitsAndKeepsItsName) {
  int resets = 0;
  auto reader = ReaderWith(kT0Atr, &resets);
  EXPECT_EQ(reader->Name(), "virtual:card.json");
  EXPECT_EQ(ToHex(reader->Atr()), kT0Atr);
  auto answer = reader->Transmit(*FromHex("00A4040000"));
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(ToHex(*answer), "9000");
  EXPECT_EQ(resets, 0);
}

TEST(InProcessReaderTest, LostAnswerIsAReaderErrorAndResetsTheCard) {
  int resets = 0;
  auto reader = ReaderWith(kT0Atr, &resets);
  auto lost = reader->Transmit(*FromHex("80EE000000"));
  EXPECT_EQ(lost.status().code(), ErrorCode::kReaderError);
  EXPECT_NE(lost.status().message().find("virtual:card.json"), std::string::npos);
  EXPECT_EQ(resets, 1);
}

TEST(InProcessReaderTest, ReconnectResetsOnlyWhenAsked) {
  int resets = 0;
  auto reader = ReaderWith(kT0Atr, &resets);
  ASSERT_TRUE(reader->Reconnect(/*reset=*/false).ok());
  EXPECT_EQ(resets, 0);
  ASSERT_TRUE(reader->Reconnect(/*reset=*/true).ok());
  EXPECT_EQ(resets, 1);
}

TEST(InProcessReaderTest, ExtendedLengthFollowsTheAtr) {
  int resets = 0;
  EXPECT_FALSE(ReaderWith(kT0Atr, &resets)->SupportsExtendedLength());
  EXPECT_TRUE(ReaderWith(kT1ExtendedAtr, &resets)->SupportsExtendedLength());
}

}  // namespace
}  // namespace esim
