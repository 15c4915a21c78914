#include "apdu/store_data_channel.h"

#include <gtest/gtest.h>

#include <string>

#include "apdu/isdr_aids.h"
#include "tests/unit/apdu/scripted_reader.h"

namespace esim::apdu {
namespace {

using esim::testing::ScriptedReader;

constexpr char kGsmaAid[] = "A0000005591010FFFFFFFF8900000100";

std::string Repeat(std::string_view hex_byte, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += hex_byte;
  return out;
}

std::unique_ptr<StoreDataChannel> OpenOrDie(ApduTransport& transport, StoreDataOptions options) {
  Result<std::unique_ptr<StoreDataChannel>> channel = StoreDataChannel::Open(transport, options);
  EXPECT_TRUE(channel.ok()) << channel.status().message();
  return channel.ok() ? std::move(channel).value() : nullptr;
}

TEST(StoreDataChannelTest, BasicChannelOpensWithoutExchanges) {
  ScriptedReader card;
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {});
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(channel->channel(), 0);
  EXPECT_TRUE(channel->selected_aid().empty());
  EXPECT_EQ(transport.exchanges(), 0u);
}

TEST(StoreDataChannelTest, SelectIsdr) {
  ScriptedReader card;
  card.Expect(std::string("00A4040010") + kGsmaAid + "00", "9000");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {});
  ASSERT_TRUE(channel->Select(KnownIsdrAids()[0]).ok());
  EXPECT_EQ(ToHex(channel->selected_aid()), kGsmaAid);
}

TEST(StoreDataChannelTest, Select61xxIsSuccessWithoutFetchingTheFci) {
  ScriptedReader card;
  card.Expect(std::string("00A4040010") + kGsmaAid + "00", "6121");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {});
  EXPECT_TRUE(channel->Select(KnownIsdrAids()[0]).ok());
  EXPECT_EQ(transport.exchanges(), 1u);
}

TEST(StoreDataChannelTest, Select6A82IsNotEuicc) {
  ScriptedReader card;
  card.Expect(std::string("00A4040010") + kGsmaAid + "00", "6A82");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {});
  Status s = channel->Select(KnownIsdrAids()[0]);
  EXPECT_EQ(s.code(), ErrorCode::kNotEuicc);
  EXPECT_NE(s.message().find("no application with AID"), std::string::npos);
  EXPECT_NE(s.message().find(kGsmaAid), std::string::npos);
  EXPECT_NE(s.message().find("GSMA standard"), std::string::npos);
  EXPECT_TRUE(channel->selected_aid().empty());
}

TEST(StoreDataChannelTest, SelectOtherFailureIsCardStatus) {
  ScriptedReader card;
  card.Expect("00A4040002A00000", "6999");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {});
  Status s = channel->Select(Bytes{0xA0, 0x00});
  EXPECT_EQ(s.code(), ErrorCode::kCardStatus);
  EXPECT_NE(s.message().find("6999"), std::string::npos);
}

TEST(StoreDataChannelTest, SendOneBlock) {
  ScriptedReader card;
  card.Expect("80E2910003BF2D0000", "BF2D03810101 9000");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {});
  Result<Bytes> r = channel->Send(FromHex("BF2D00").value());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToHex(*r), "BF2D03810101");
}

TEST(StoreDataChannelTest, BlockSizeOneChainsEveryByte) {
  ScriptedReader card;
  card.Expect("80E2110001BF00", "9000")
      .Expect("80E21101012D00", "9000")
      .Expect("80E29102010000", "BF2D00 9000");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {.block_size = 1, .logical_channel = false});
  Result<Bytes> r = channel->Send(FromHex("BF2D00").value());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToHex(*r), "BF2D00");
}

TEST(StoreDataChannelTest, BlockSize120) {
  ScriptedReader card;
  card.Expect("80E2110078" + Repeat("01", 120) + "00", "9000")
      .Expect("80E2110178" + Repeat("02", 120) + "00", "9000")
      .Expect("80E291023C" + Repeat("03", 60) + "00", "AA 9000");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {.block_size = 120, .logical_channel = false});
  Result<Bytes> r = channel->Send(FromHex(Repeat("01", 120) + Repeat("02", 120) + Repeat("03", 60)).value());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToHex(*r), "AA");
  EXPECT_EQ(transport.exchanges(), 3u);
}

TEST(StoreDataChannelTest, BlockSize255) {
  ScriptedReader card;
  card.Expect("80E29100FF" + Repeat("07", 255) + "00", "9000");
  card.Expect("80E21100FF" + Repeat("07", 255) + "00", "9000")
      .Expect("80E2910101" + std::string("08") + "00", "9000");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {});
  EXPECT_TRUE(channel->Send(FromHex(Repeat("07", 255)).value()).ok());
  EXPECT_TRUE(channel->Send(FromHex(Repeat("07", 255) + "08").value()).ok());
}

TEST(StoreDataChannelTest, LongAnswerOfLastBlockComesThroughGetResponse) {
  ScriptedReader card;
  card.Expect("80E2910003BF280000", "6100")
      .Expect("00C0000000", Repeat("AB", 256) + "6110")
      .Expect("00C0000010", Repeat("CD", 16) + "9000");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {});
  Result<Bytes> r = channel->Send(FromHex("BF2800").value());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->size(), 272u);
}

TEST(StoreDataChannelTest, FailingBlockStopsTheChain) {
  ScriptedReader card;
  card.Expect("80E2110001AA00", "9000").Expect("80E2110101BB00", "6A88");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {.block_size = 1, .logical_channel = false});
  Result<Bytes> r = channel->Send(FromHex("AABBCC").value());
  EXPECT_EQ(r.status().code(), ErrorCode::kCardStatus);
  EXPECT_EQ(r.status().message(),
            "STORE DATA block 2 of 3: card answered 6A88 (referenced data not found)");
}

TEST(StoreDataChannelTest, ProactivePendingIsSuccess) {
  ScriptedReader card;
  card.Expect("80E2910003BF310000", "BF3103800100 9110");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {});
  Result<Bytes> r = channel->Send(FromHex("BF3100").value());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(*r), "BF3103800100");
}

TEST(StoreDataChannelTest, RejectsBadBlockSizesAndEmptyRequests) {
  ScriptedReader card;
  ApduTransport transport(card);
  EXPECT_EQ(StoreDataChannel::Open(transport, {.block_size = 0, .logical_channel = false})
                .status()
                .code(),
            ErrorCode::kInvalidInput);
  EXPECT_EQ(StoreDataChannel::Open(transport, {.block_size = 256, .logical_channel = false})
                .status()
                .code(),
            ErrorCode::kInvalidInput);
  auto channel = OpenOrDie(transport, {});
  EXPECT_EQ(channel->Send(Bytes{}).status().code(), ErrorCode::kInvalidInput);
}

TEST(StoreDataChannelTest, LogicalChannelLifecycle) {
  ScriptedReader card;
  card.Expect("0070000001", "029000")
      .Expect(std::string("02A4040010") + kGsmaAid + "00", "9000")
      .Expect("82E2910003BF2D0000", "6102")
      .Expect("02C0000002", "AABB9000")
      .Expect("0070800200", "9000");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {.block_size = 255, .logical_channel = true});
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(channel->channel(), 2);
  ASSERT_TRUE(channel->Select(KnownIsdrAids()[0]).ok());
  Result<Bytes> r = channel->Send(FromHex("BF2D00").value());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToHex(*r), "AABB");
  EXPECT_TRUE(channel->Close().ok());
  EXPECT_TRUE(channel->Close().ok());  // second close: nothing sent
  EXPECT_EQ(channel->Send(FromHex("BF2D00").value()).status().code(), ErrorCode::kInternal);
}

TEST(StoreDataChannelTest, HighChannelUsesFurtherInterindustryCla) {
  ScriptedReader card;
  card.Expect("0070000001", "059000")
      .Expect("41A4040002A00000", "9000")
      .Expect("C1E2910003BF2D0000", "9000")
      .Expect("0070800500", "9000");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {.block_size = 255, .logical_channel = true});
  ASSERT_TRUE(channel->Select(Bytes{0xA0, 0x00}).ok());
  EXPECT_TRUE(channel->Send(FromHex("BF2D00").value()).ok());
}

TEST(StoreDataChannelTest, DestructorClosesTheLogicalChannel) {
  ScriptedReader card;
  card.Expect("0070000001", "019000").Expect("0070800100", "9000");
  ApduTransport transport(card);
  { auto channel = OpenOrDie(transport, {.block_size = 255, .logical_channel = true}); }
  EXPECT_EQ(card.remaining(), 0u);
}

TEST(StoreDataChannelTest, LogicalChannelNotSupported) {
  ScriptedReader card;
  card.Expect("0070000001", "6881");
  ApduTransport transport(card);
  Result<std::unique_ptr<StoreDataChannel>> channel =
      StoreDataChannel::Open(transport, {.block_size = 255, .logical_channel = true});
  EXPECT_EQ(channel.status().code(), ErrorCode::kCardStatus);
  EXPECT_NE(channel.status().message().find("logical channels not supported"), std::string::npos);
}

TEST(StoreDataChannelTest, ExtendedLengthBlocks) {
  ScriptedReader card;
  card.Expect("80E291000003E8" + Repeat("5A", 1000) + "0000", "BF2D00 9000");
  ApduTransport transport(card, {.max_get_response_rounds = 64, .extended_length = true});
  auto channel = OpenOrDie(transport, {.block_size = 1000, .logical_channel = false});
  Result<Bytes> r = channel->Send(FromHex(Repeat("5A", 1000)).value());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToHex(*r), "BF2D00");
}

TEST(StoreDataChannelTest, ExtendedLengthSmallBlockStillUsesExtendedLe) {
  ScriptedReader card;
  card.Expect("80E29100000003BF2D000000", "9000");
  ApduTransport transport(card, {.max_get_response_rounds = 64, .extended_length = true});
  auto channel = OpenOrDie(transport, {});
  EXPECT_TRUE(channel->Send(FromHex("BF2D00").value()).ok());
}

// --- Fallback to short APDUs when the card refuses extended length (6700) --------------------

TEST(StoreDataChannelTest, ExtendedRequestRefusedIsResentShortInBlocksAndLatched) {
  ScriptedReader card;
  const std::string request = Repeat("5A", 300);
  // One extended block, refused and not executed; then the same request in short blocks from
  // block 0 (255 + 45 bytes, Le 00 each).
  card.Expect("80E2910000012C" + request + "0000", "6700")
      .Expect("80E21100FF" + Repeat("5A", 255) + "00", "9000")
      .Expect("80E291012D" + Repeat("5A", 45) + "00", "AABB 9000");
  ApduTransport transport(card, {.max_get_response_rounds = 64, .extended_length = true});
  auto channel = OpenOrDie(transport, {.block_size = 65535, .logical_channel = false});
  ASSERT_NE(channel, nullptr);
  Result<Bytes> r = channel->Send(FromHex(request).value());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToHex(*r), "AABB");
  EXPECT_EQ(channel->last_status_word(), 0x9000);
  EXPECT_TRUE(transport.fell_back_to_short());
  EXPECT_EQ(card.transmits(), 3u);
  // Latched: the next request goes out short at once, and so does its dry-run plan.
  Result<std::vector<CommandApdu>> plan = channel->Plan(FromHex("BF2D00").value());
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ(ToHex(plan->at(0).Encode(plan->at(0).NeedsExtended()).value()), "80E2910003BF2D0000");
  card.Expect("80E2910003BF2D0000", "BF2D00 9000");
  EXPECT_TRUE(channel->Send(FromHex("BF2D00").value()).ok());
  EXPECT_EQ(card.transmits(), 4u);
}

TEST(StoreDataChannelTest, SmallExtendedRequestRefusedIsResentWithShortLe) {
  // Extended only because of Le 0000: the re-sent command is the same block with Le 00.
  ScriptedReader card;
  card.Expect("80E29100000003BF2D000000", "6700").Expect("80E2910003BF2D0000", "BF2D00 9000");
  ApduTransport transport(card, {.max_get_response_rounds = 64, .extended_length = true});
  auto channel = OpenOrDie(transport, {});
  Result<Bytes> r = channel->Send(FromHex("BF2D00").value());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToHex(*r), "BF2D00");
}

TEST(StoreDataChannelTest, SixtySevenOnALaterExtendedBlockIsAnErrorNotAResend) {
  // With a small user block size every block is extended (Le 0000). The card accepted block 1,
  // so it holds part of the chain: block 2's 6700 must not make anything be re-sent.
  ScriptedReader card;
  card.Expect("80E21100000064" + Repeat("5A", 100) + "0000", "9000")
      .Expect("80E2910100000A" + Repeat("5A", 10) + "0000", "6700");
  ApduTransport transport(card, {.max_get_response_rounds = 64, .extended_length = true});
  auto channel = OpenOrDie(transport, {.block_size = 100, .logical_channel = false});
  Result<Bytes> r = channel->Send(FromHex(Repeat("5A", 110)).value());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCardStatus);
  EXPECT_NE(r.status().message().find("block 2 of 2"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("6700"), std::string::npos);
  EXPECT_EQ(card.transmits(), 2u);
  EXPECT_EQ(channel->last_status_word(), 0x6700);
}

TEST(StoreDataChannelTest, SixtySevenOnAShortRequestIsAnError) {
  ScriptedReader card;
  card.Expect("80E2910003BF2D0000", "6700");
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {});
  Result<Bytes> r = channel->Send(FromHex("BF2D00").value());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCardStatus);
  EXPECT_EQ(card.transmits(), 1u);
}

TEST(StoreDataChannelTest, RefusedAgainInShortFormIsAnError) {
  // The fallback happens once: a card that refuses the short re-send too gets no third try.
  ScriptedReader card;
  card.Expect("80E29100000003BF2D000000", "6700").Expect("80E2910003BF2D0000", "6700");
  ApduTransport transport(card, {.max_get_response_rounds = 64, .extended_length = true});
  auto channel = OpenOrDie(transport, {});
  Result<Bytes> r = channel->Send(FromHex("BF2D00").value());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kCardStatus);
  EXPECT_EQ(card.transmits(), 2u);
}

}  // namespace
}  // namespace esim::apdu

namespace esim::apdu {
namespace {

// A modem-like reader: commands longer than `limit` are refused with kReaderError before the
// card (the script) sees them, and MaxCommandSize drops to `limit` from then on.
class LineLimitedReader : public Reader {
 public:
  // With refuse_nth, only the refuse_nth-th command is refused (whatever its size). With
  // learn_step, a refusal lowers MaxCommandSize only to the refused size minus learn_step (a
  // modem's guess from one refusal, which may take several to reach the real limit).
  LineLimitedReader(ScriptedReader& card, size_t limit, int refuse_nth = 0, size_t learn_step = 0)
      : card_(card), limit_(limit), refuse_nth_(refuse_nth), learn_step_(learn_step) {}
  Result<Bytes> Transmit(ByteView command) override {
    ++calls_;
    if (refuse_nth_ != 0 ? calls_ == refuse_nth_ : command.size() > limit_) {
      ++refusals_;
      max_ = learn_step_ != 0 ? command.size() - learn_step_ : limit_;
      return Status(ErrorCode::kReaderError, "the modem refused the line (its line limit)");
    }
    return card_.Transmit(command);
  }
  Bytes Atr() const override { return {}; }
  std::string Name() const override { return "limited"; }
  Status Reconnect(bool) override { return Status::Ok(); }
  size_t MaxCommandSize() const override { return max_; }
  int refusals() const { return refusals_; }

 private:
  ScriptedReader& card_;
  size_t limit_;
  int refuse_nth_;
  size_t learn_step_;
  int calls_ = 0;
  size_t max_ = static_cast<size_t>(-1);
  int refusals_ = 0;
};

TEST(StoreDataChannelTest, LineLimitRefusalOfBlockZeroReplansInSmallerBlocks) {
  ScriptedReader card;
  // 130-byte commands: 124 data bytes per block.
  card.Expect("80E211007C" + Repeat("01", 124) + "00", "9000")
      .Expect("80E211017C" + Repeat("01", 124) + "00", "9000")
      .Expect("80E2910234" + Repeat("01", 52) + "00", "AA 9000");
  LineLimitedReader reader(card, 130);
  ApduTransport transport(reader);
  EXPECT_EQ(transport.max_command_size(), static_cast<size_t>(-1));
  auto channel = OpenOrDie(transport, {});
  Result<Bytes> r = channel->Send(FromHex(Repeat("01", 300)).value());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToHex(*r), "AA");
  EXPECT_EQ(reader.refusals(), 1);
  EXPECT_EQ(transport.max_command_size(), 130u);
  // The next request is planned small from the start: no refusal.
  card.Expect("80E2910003BF2D0000", "9000");
  ASSERT_TRUE(channel->Send(FromHex("BF2D00").value()).ok());
  auto plan = channel->Plan(FromHex(Repeat("02", 200)).value());
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->size(), 2u);
  EXPECT_EQ(plan->at(0).data.size(), 124u);
  EXPECT_EQ(reader.refusals(), 1);
}

// A limit learned in steps: block 0 is planned again after every refusal that lowered it.
TEST(StoreDataChannelTest, LineLimitLearnedInStepsReplansUntilBlockZeroFits) {
  ScriptedReader card;
  // 261 → 221 → 181 → 141 refused (each lowers the limit by 40), 101 fits: 95-byte blocks.
  card.Expect("80E211005F" + Repeat("01", 95) + "00", "9000")
      .Expect("80E211015F" + Repeat("01", 95) + "00", "9000")
      .Expect("80E211025F" + Repeat("01", 95) + "00", "9000")
      .Expect("80E291030F" + Repeat("01", 15) + "00", "AA 9000");
  LineLimitedReader reader(card, 130, 0, /*learn_step=*/40);
  ApduTransport transport(reader);
  auto channel = OpenOrDie(transport, {});
  Result<Bytes> r = channel->Send(FromHex(Repeat("01", 300)).value());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(ToHex(*r), "AA");
  EXPECT_EQ(reader.refusals(), 4);
  EXPECT_EQ(transport.max_command_size(), 101u);
}

TEST(StoreDataChannelTest, ReaderErrorWithoutALowerLimitIsNotResent) {
  ScriptedReader card;
  card.ExpectFailure("80E2910003BF2D0000", Status(ErrorCode::kReaderError, "lost"));
  ApduTransport transport(card);
  auto channel = OpenOrDie(transport, {});
  Result<Bytes> r = channel->Send(FromHex("BF2D00").value());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kReaderError);
}

TEST(StoreDataChannelTest, LineLimitRefusalOfALaterBlockIsAnError) {
  ScriptedReader card;
  card.Expect("80E2110064" + Repeat("01", 100) + "00", "9000");
  // Block 1 is refused and the limit drops: block 0 was executed, so nothing is re-sent.
  LineLimitedReader reader(card, 50, /*refuse_nth=*/2);
  ApduTransport transport(reader);
  auto channel = OpenOrDie(transport, {.block_size = 100, .logical_channel = false});
  Result<Bytes> r = channel->Send(FromHex(Repeat("01", 100) + Repeat("02", 100)).value());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kReaderError);
  EXPECT_EQ(reader.refusals(), 1);
}

}  // namespace
}  // namespace esim::apdu
