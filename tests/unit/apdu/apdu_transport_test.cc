#include "apdu/apdu_transport.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/apdu/scripted_reader.h"

namespace esim::apdu {
namespace {

using esim::testing::ScriptedReader;

std::string Repeat(std::string_view hex_byte, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += hex_byte;
  return out;
}

// STORE DATA GetProfilesInfo, last block, Le 00.
const CommandApdu kStoreData{0x80, 0xE2, 0x91, 0x00, {0xBF, 0x2D, 0x00}, 256};
constexpr char kStoreDataHex[] = "80E2910003BF2D0000";

TEST(ApduTransportTest, PassesSimpleAnswerThrough) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "BF2D03810101 9000");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToHex(r->data), "BF2D03810101");
  EXPECT_EQ(r->sw, 0x9000);
  EXPECT_EQ(transport.exchanges(), 1u);
}

TEST(ApduTransportTest, GetResponseRoundsAreConcatenated) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "6110")
      .Expect("00C0000010", Repeat("11", 16) + "6105")
      .Expect("00C0000005", Repeat("22", 5) + "9000");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToHex(r->data), Repeat("11", 16) + Repeat("22", 5));
  EXPECT_EQ(r->sw, 0x9000);
  EXPECT_EQ(transport.exchanges(), 3u);
}

TEST(ApduTransportTest, DataBefore61xxIsKept) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "AABB 6102").Expect("00C0000002", "CCDD 9000");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(r->data), "AABBCCDD");
}

TEST(ApduTransportTest, SixtyOneZeroZeroMeans256) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "6100")
      .Expect("00C0000000", Repeat("33", 256) + "6100")
      .Expect("00C0000000", Repeat("44", 256) + "6103")
      .Expect("00C0000003", "555555 9000");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->data.size(), 515u);
  EXPECT_EQ(transport.exchanges(), 4u);
}

TEST(ApduTransportTest, GetResponseKeepsTheChannelOfTheCommand) {
  ScriptedReader card;
  card.Expect("81E2910003BF2D0000", "6102").Expect("01C0000002", "AABB9000");
  card.Expect("C5E2910003BF2D0000", "6102").Expect("45C0000002", "AABB9000");
  ApduTransport transport(card);
  CommandApdu on_channel_1 = kStoreData;
  on_channel_1.cla = 0x81;
  EXPECT_TRUE(transport.Transceive(on_channel_1).ok());
  CommandApdu on_channel_9 = kStoreData;
  on_channel_9.cla = 0xC5;
  EXPECT_TRUE(transport.Transceive(on_channel_9).ok());
}

TEST(ApduTransportTest, Endless6100IsBounded) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "6100");
  for (int i = 0; i < 3; ++i) card.Expect("00C0000000", "6100");
  ApduTransport transport(card, {.max_get_response_rounds = 3, .extended_length = false});
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCardStatus);
  EXPECT_NE(r.status().message().find("card kept answering 61xx"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(transport.exchanges(), 4u);
}

TEST(ApduTransportTest, DefaultBoundIs1024Rounds) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "6101");
  for (int i = 0; i < 1024; ++i) card.Expect("00C0000001", "AA6101");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  EXPECT_EQ(r.status().code(), ErrorCode::kCardStatus);
  EXPECT_EQ(transport.exchanges(), 1025u);
}

// Regression (quirks e2e: a 50-profile list with icons over T=0): a long answer that keeps
// making progress is not cut at the old bound of 64 rounds (16 KiB).
TEST(ApduTransportTest, LongAnswerOver64RoundsIsComplete) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "6100");
  for (int i = 0; i < 200; ++i) card.Expect("00C0000000", Repeat("5A", 256) + "6100");
  card.Expect("00C0000000", Repeat("5A", 256) + "9000");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->data.size(), 201u * 256u);
  EXPECT_EQ(r->sw, 0x9000);
  EXPECT_EQ(transport.exchanges(), 202u);
}

// Endless 6100 without data is stopped after max_empty_get_response_rounds, not 1024 rounds.
TEST(ApduTransportTest, Endless6100WithoutDataStopsEarly) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "6100");
  for (int i = 0; i < 8; ++i) card.Expect("00C0000000", "6100");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCardStatus);
  EXPECT_NE(r.status().message().find("without sending any"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(transport.exchanges(), 9u);
}

// Rounds without data only count in a row: data in between resets the count.
TEST(ApduTransportTest, EmptyRoundsCountOnlyInARow) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "6102");
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 7; ++i) card.Expect("00C0000002", "6102");
    card.Expect("00C0000002", "AA6102");
  }
  card.Expect("00C0000002", "BBCC9000");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToHex(r->data), "AAAAAABBCC");
}

TEST(ApduTransportTest, WrongLeIsResentOnceWithTheCardsLe) {
  ScriptedReader card;
  card.Expect("00B0000000", "6C10").Expect("00B0000010", Repeat("AB", 16) + "9000");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive({0x00, 0xB0, 0x00, 0x00, {}, 256});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->data.size(), 16u);
  EXPECT_EQ(r->sw, 0x9000);
  EXPECT_EQ(transport.exchanges(), 2u);
}

TEST(ApduTransportTest, SecondWrongLeIsReturnedNotLooped) {
  ScriptedReader card;
  card.Expect("00B0000000", "6C10").Expect("00B0000010", "6C08");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive({0x00, 0xB0, 0x00, 0x00, {}, 256});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sw, 0x6C08);
  EXPECT_FALSE(r->IsSuccess());
}

TEST(ApduTransportTest, WrongLeDuringGetResponse) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "6100")
      .Expect("00C0000000", "6C05")
      .Expect("00C0000005", "0102030405 9000");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(r->data), "0102030405");
}

TEST(ApduTransportTest, ProactivePendingIsSuccessAndNotFollowedUp) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "BF3103800100 9112");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->IsSuccess());
  EXPECT_EQ(r->sw, 0x9112);
  EXPECT_EQ(ToHex(r->data), "BF3103800100");
  EXPECT_EQ(transport.exchanges(), 1u);
}

TEST(ApduTransportTest, ErrorStatusWordsAreValues) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "6A88");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sw, 0x6A88);
}

TEST(ApduTransportTest, ReaderFailuresPassThrough) {
  ScriptedReader card;
  card.ExpectFailure(kStoreDataHex, Status(ErrorCode::kCardRemoved, "card removed"));
  ApduTransport transport(card);
  EXPECT_EQ(transport.Transceive(kStoreData).status().code(), ErrorCode::kCardRemoved);
}

TEST(ApduTransportTest, MissingStatusWordIsAReaderError) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "");
  ApduTransport transport(card);
  EXPECT_EQ(transport.Transceive(kStoreData).status().code(), ErrorCode::kReaderError);
}

TEST(ApduTransportTest, TransceiveOnceDoesNotFetch) {
  ScriptedReader card;
  card.Expect("00A4040002A00000", "6120");
  ApduTransport transport(card);
  Result<ResponseApdu> r = transport.TransceiveOnce({0x00, 0xA4, 0x04, 0x00, {0xA0, 0x00}, 256});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sw, 0x6120);
  EXPECT_EQ(transport.exchanges(), 1u);
}

TEST(ApduTransportTest, LongCommandNeedsExtendedLength) {
  ScriptedReader card;
  ApduTransport transport(card);
  CommandApdu long_command{0x80, 0xE2, 0x91, 0x00, Bytes(300, 0x5A), 256};
  EXPECT_EQ(transport.Transceive(long_command).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(transport.exchanges(), 0u);
}

TEST(ApduTransportTest, ExtendedLengthOnlyWhenNeeded) {
  ScriptedReader card;
  card.Expect("80E2910000012C" + Repeat("5A", 300) + "0000", "9000");
  card.Expect("0070000001", "019000");
  ApduTransport transport(card, {.max_get_response_rounds = 64, .extended_length = true});
  EXPECT_TRUE(transport.Transceive({0x80, 0xE2, 0x91, 0x00, Bytes(300, 0x5A), 65536}).ok());
  EXPECT_TRUE(transport.Transceive({0x00, 0x70, 0x00, 0x00, {}, 1}).ok());
}

// --- Extended length refused by the card (6700): fallback to short APDUs ---------------------

// STORE DATA with 300 bytes of data and Le 65536: needs the extended form.
const CommandApdu kLongStoreData{0x80, 0xE2, 0x91, 0x00, Bytes(300, 0x5A), 65536};

TEST(ApduTransportTest, ExtendedCommandAnswered6700FallsBackForGood) {
  ScriptedReader card;
  card.Expect("80E2910000012C" + Repeat("5A", 300) + "0000", "6700");
  std::vector<std::string> notes;
  ApduTransport transport(card, {.max_get_response_rounds = 64, .extended_length = true});
  transport.set_fallback_note([&notes](const std::string& note) { notes.push_back(note); });
  ASSERT_TRUE(transport.extended_length_in_use());
  ASSERT_FALSE(transport.fell_back_to_short());
  // The 6700 is returned to the caller (who decides whether to re-send), not re-sent here.
  Result<ResponseApdu> r = transport.Transceive(kLongStoreData);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->sw, 0x6700);
  EXPECT_EQ(card.transmits(), 1u);
  EXPECT_FALSE(transport.extended_length_in_use());
  EXPECT_TRUE(transport.fell_back_to_short());
  EXPECT_TRUE(transport.options().extended_length);  // configured, not in use
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("6700"), std::string::npos);
  // Latched: a command that needs the extended form is no longer encodable, and not sent...
  EXPECT_EQ(transport.Transceive(kLongStoreData).status().code(), ErrorCode::kInvalidInput);
  EXPECT_EQ(card.transmits(), 1u);
  // ...and one that fits short form goes out short, as it would have anyway.
  card.Expect(kStoreDataHex, "9000");
  EXPECT_TRUE(transport.Transceive(kStoreData).ok());
  EXPECT_EQ(notes.size(), 1u);
}

TEST(ApduTransportTest, SixtySevenToAShortCommandIsReturnedAsIs) {
  ScriptedReader card;
  card.Expect(kStoreDataHex, "6700").Expect(kStoreDataHex, "6700");
  // With extended length allowed: the command fitted short form, so 6700 is about the
  // command itself, not about extended length.
  ApduTransport extended(card, {.max_get_response_rounds = 64, .extended_length = true});
  Result<ResponseApdu> r = extended.Transceive(kStoreData);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sw, 0x6700);
  EXPECT_TRUE(extended.extended_length_in_use());
  EXPECT_FALSE(extended.fell_back_to_short());
  // Without extended length: nothing to fall back from.
  ApduTransport plain(card);
  r = plain.Transceive(kStoreData);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sw, 0x6700);
  EXPECT_FALSE(plain.fell_back_to_short());
  EXPECT_EQ(card.transmits(), 2u);
}

TEST(ApduTransportTest, OtherRefusalsOfAnExtendedCommandDoNotFallBack) {
  ScriptedReader card;
  card.Expect("80E2910000012C" + Repeat("5A", 300) + "0000", "6A80");
  ApduTransport transport(card, {.max_get_response_rounds = 64, .extended_length = true});
  Result<ResponseApdu> r = transport.Transceive(kLongStoreData);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sw, 0x6A80);
  EXPECT_TRUE(transport.extended_length_in_use());
  EXPECT_FALSE(transport.fell_back_to_short());
}

TEST(ApduTransportTest, ReaderFailureOnAnExtendedCommandIsNotAFallback) {
  // The card may have executed the command before the reader failed (a card pulled mid-command
  // looks the same), so nothing is re-sent; the error only hints at --apdu-length short.
  ScriptedReader card;
  card.ExpectFailure("80E2910000012C" + Repeat("5A", 300) + "0000",
                     Status(ErrorCode::kCardRemoved, "the exchange with the card failed"));
  ApduTransport transport(card, {.max_get_response_rounds = 64, .extended_length = true});
  Result<ResponseApdu> r = transport.Transceive(kLongStoreData);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCardRemoved);
  EXPECT_NE(r.status().message().find("--apdu-length short"), std::string::npos);
  EXPECT_TRUE(transport.extended_length_in_use());
  EXPECT_EQ(card.transmits(), 1u);
}

TEST(ApduTransportTest, ReaderFailureOnAShortCommandHasNoExtendedHint) {
  ScriptedReader card;
  card.ExpectFailure(kStoreDataHex, Status(ErrorCode::kCardRemoved, "gone"));
  ApduTransport transport(card, {.max_get_response_rounds = 64, .extended_length = true});
  Result<ResponseApdu> r = transport.Transceive(kStoreData);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "gone");
}

}  // namespace
}  // namespace esim::apdu
