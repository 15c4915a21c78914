#include "apdu/logical_channel.h"

#include <gtest/gtest.h>

#include "tests/unit/apdu/scripted_reader.h"

namespace esim::apdu {
namespace {

using esim::testing::ScriptedReader;

TEST(ClaForChannelTest, Channels0To3UseTheLowBits) {
  EXPECT_EQ(ClaForChannel(0x80, 0), 0x80);
  EXPECT_EQ(ClaForChannel(0x80, 1), 0x81);
  EXPECT_EQ(ClaForChannel(0x80, 2), 0x82);
  EXPECT_EQ(ClaForChannel(0x80, 3), 0x83);
  EXPECT_EQ(ClaForChannel(0x00, 0), 0x00);
  EXPECT_EQ(ClaForChannel(0x00, 1), 0x01);
  EXPECT_EQ(ClaForChannel(0x00, 3), 0x03);
}

TEST(ClaForChannelTest, Channels4To19UseTheFurtherInterindustryForm) {
  EXPECT_EQ(ClaForChannel(0x80, 4), 0xC0);
  EXPECT_EQ(ClaForChannel(0x80, 5), 0xC1);
  EXPECT_EQ(ClaForChannel(0x80, 19), 0xCF);
  EXPECT_EQ(ClaForChannel(0x00, 4), 0x40);
  EXPECT_EQ(ClaForChannel(0x00, 19), 0x4F);
}

TEST(ClaForChannelTest, ChannelBitsOfTheBaseAreReplaced) {
  EXPECT_EQ(ClaForChannel(0x81, 2), 0x82);
  EXPECT_EQ(ClaForChannel(0xC3, 1), 0x81);
}

TEST(ClaForChannelTest, ChannelFromClaInvertsIt) {
  for (uint8_t ch = 0; ch <= kMaxLogicalChannel; ++ch) {
    EXPECT_EQ(ChannelFromCla(ClaForChannel(0x80, ch)), ch);
    EXPECT_EQ(ChannelFromCla(ClaForChannel(0x00, ch)), ch);
  }
}

TEST(LogicalChannelTest, OpenReturnsTheCardsChannel) {
  ScriptedReader card;
  card.Expect("0070000001", "03 9000");
  ApduTransport transport(card);
  Result<uint8_t> ch = OpenLogicalChannel(transport);
  ASSERT_TRUE(ch.ok()) << ch.status().message();
  EXPECT_EQ(*ch, 3);
}

TEST(LogicalChannelTest, NotSupported6881IsExplained) {
  ScriptedReader card;
  card.Expect("0070000001", "6881");
  ApduTransport transport(card);
  Result<uint8_t> ch = OpenLogicalChannel(transport);
  EXPECT_EQ(ch.status().code(), ErrorCode::kCardStatus);
  EXPECT_NE(ch.status().message().find("logical channels not supported"), std::string::npos);
}

TEST(LogicalChannelTest, OtherFailuresNameTheStatusWord) {
  ScriptedReader card;
  card.Expect("0070000001", "6A81");
  ApduTransport transport(card);
  Result<uint8_t> ch = OpenLogicalChannel(transport);
  EXPECT_EQ(ch.status().code(), ErrorCode::kCardStatus);
  EXPECT_NE(ch.status().message().find("6A81"), std::string::npos);
}

TEST(LogicalChannelTest, BadChannelNumberIsMalformed) {
  for (const char* answer : {"9000", "00 9000", "14 9000", "0102 9000"}) {
    ScriptedReader card;
    card.Expect("0070000001", answer);
    ApduTransport transport(card);
    EXPECT_EQ(OpenLogicalChannel(transport).status().code(), ErrorCode::kMalformedResponse)
        << answer;
  }
}

TEST(LogicalChannelTest, Close) {
  ScriptedReader card;
  card.Expect("0070800200", "9000").Expect("0070800700", "6881");
  ApduTransport transport(card);
  EXPECT_TRUE(CloseLogicalChannel(transport, 2).ok());
  Status s = CloseLogicalChannel(transport, 7);
  EXPECT_EQ(s.code(), ErrorCode::kCardStatus);
  EXPECT_NE(s.message().find("6881"), std::string::npos);
}

}  // namespace
}  // namespace esim::apdu
