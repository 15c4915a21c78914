// The ES10b download functions on the wire (src/es10/es10b_download.cc): each BPP piece is its
// own STORE DATA sequence (P2 restarts at 0), in 255-byte blocks on short APDUs and one APDU
// with extended length, with no GET RESPONSE unless the card announces an answer.
#include <gtest/gtest.h>

#include <string>

#include "apdu/apdu_transport.h"
#include "apdu/store_data_channel.h"
#include "src/es10/es10_client.h"
#include "src/es10/isdr_locator.h"
#include "tests/unit/apdu/scripted_reader.h"

namespace esim {
namespace {

using esim::testing::ScriptedReader;

constexpr char kAid[] = "A0000005591010FFFFFFFF8900000100";

std::string Repeat(std::string_view hex_byte, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += hex_byte;
  return out;
}

// An 86 segment of 300 bytes in all: 86 82 0128 + 296 bytes.
const std::string kSegment = "86820128" + Repeat("AB", 296);
const std::string kChallenge = Repeat("C1", 16);
// EUICCInfo1: svn 2.3.0, one CI key id for verification and signing.
const std::string kInfo1 = "BF201182030203" "00A9040402AABBAA040402AABB";

struct Rig {
  explicit Rig(ScriptedReader& card, bool extended)
      : transport(card, {.max_get_response_rounds = 64, .extended_length = extended}),
        channel(apdu::StoreDataChannel::Open(transport, {.block_size = extended ? 65535u : 255u,
                                                         .logical_channel = false})
                    .value()),
        locator(*channel, {FromHex(kAid).value()}),
        client(locator) {
    EXPECT_TRUE(locator.SelectFirst().ok());
  }
  apdu::ApduTransport transport;
  std::unique_ptr<apdu::StoreDataChannel> channel;
  IsdrLocator locator;
  Es10Client client;
};

TEST(DownloadExchangesTest, ShortApdusCutEachPieceIn255ByteBlocksRestartingAtBlockZero) {
  ScriptedReader card;
  card.Expect(std::string("00A4040010") + kAid + "00", "9000")
      .Expect("80E2910003BF2E0000", "BF2E1280 10" + kChallenge + " 9000")
      .Expect("80E21100FF" + kSegment.substr(0, 510) + "00", "9000")
      .Expect("80E291012D" + kSegment.substr(510) + "00", "9000")
      .Expect("80E2910004A3820100" "00", "9000")
      // The last piece: the card announces its BF37 with 61xx; one GET RESPONSE fetches it.
      .Expect("80E21100FF" + kSegment.substr(0, 510) + "00", "9000")
      .Expect("80E291012D" + kSegment.substr(510) + "00", "6105")
      .Expect("00C0000005", "BF37020102 9000");
  Rig rig(card, /*extended=*/false);
  auto challenge = rig.client.GetEuiccChallenge();
  ASSERT_TRUE(challenge.ok()) << challenge.status().message();
  EXPECT_EQ(ToHex(*challenge), kChallenge);
  const Bytes segment = FromHex(kSegment).value();
  auto first = rig.client.LoadBoundProfilePackagePiece(segment);
  ASSERT_TRUE(first.ok()) << first.status().message();
  EXPECT_TRUE(first->empty());
  auto header = rig.client.LoadBoundProfilePackagePiece(FromHex("A3820100").value());
  ASSERT_TRUE(header.ok()) << header.status().message();
  EXPECT_TRUE(header->empty());
  auto last = rig.client.LoadBoundProfilePackagePiece(segment);
  ASSERT_TRUE(last.ok()) << last.status().message();
  EXPECT_EQ(ToHex(*last), "BF37020102");
  EXPECT_EQ(rig.transport.exchanges(), 8u);
}

TEST(DownloadExchangesTest, ExtendedLengthSendsEachPieceAsOneApdu) {
  ScriptedReader card;
  card.Expect(std::string("00A4040010") + kAid + "00", "9000")
      .Expect("80E29100000003BF2E000000", "BF2E128010" + kChallenge + "9000")
      .Expect("80E291000001" "2C" + kSegment + "0000", "9000")
      .Expect("80E291000001" "2C" + kSegment + "0000", "BF37020102 9000");
  Rig rig(card, /*extended=*/true);
  ASSERT_TRUE(rig.client.GetEuiccChallenge().ok());
  const Bytes segment = FromHex(kSegment).value();
  ASSERT_TRUE(rig.client.LoadBoundProfilePackagePiece(segment).ok());
  auto last = rig.client.LoadBoundProfilePackagePiece(segment);
  ASSERT_TRUE(last.ok()) << last.status().message();
  EXPECT_EQ(ToHex(*last), "BF37020102");
  EXPECT_EQ(rig.transport.exchanges(), 4u);
}

TEST(DownloadExchangesTest, CancelSessionAndAuthenticateErrorsAreAnswersNotFailures) {
  ScriptedReader card;
  card.Expect(std::string("00A4040010") + kAid + "00", "9000")
      .Expect("80E2910009BF4106800101810105" "00", "BF4103810105 9000")
      .Expect("80E2910003BF2000" "00", kInfo1 + "9000");
  Rig rig(card, /*extended=*/false);
  auto cancelled = rig.client.CancelSession(Bytes{0x01}, es10::CancelReason::kLoadBppExecutionError);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().message();
  EXPECT_EQ(cancelled->errorCode, 5);
  EXPECT_EQ(ToHex(cancelled->der), "BF4103810105");
  auto info1 = rig.client.GetEuiccInfo1Der();
  ASSERT_TRUE(info1.ok()) << info1.status().message();
  EXPECT_EQ(ToHex(*info1), kInfo1);
}

}  // namespace
}  // namespace esim
