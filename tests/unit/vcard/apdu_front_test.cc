// The virtual eUICC's ISO 7816 behaviour, driven with raw APDUs.
#include <chrono>

#include "tests/unit/vcard/vcard_test_util.h"

namespace esim::vcard::testing {
namespace {

using ApduFrontTest = CardFixture;

TEST_F(ApduFrontTest, AtrIsWellFormedWithValidTck) {
  Bytes atr = card_->Atr();
  ASSERT_GE(atr.size(), 3u);
  EXPECT_EQ(atr[0], 0x3B);
  uint8_t x = 0;
  for (size_t i = 1; i < atr.size(); ++i) x ^= atr[i];
  EXPECT_EQ(x, 0) << "TCK must make the XOR of T0..TCK zero";
}

TEST_F(ApduFrontTest, SelectIsdrWithAndWithoutFci) {
  EXPECT_EQ(SelectIsdr(), 0x9000);
  auto r = Tx("00A4040010A0000005591010FFFFFFFF890000010000");
  EXPECT_EQ(r.sw, 0x9000);
  ASSERT_GE(r.data.size(), 20u);
  EXPECT_EQ(r.data[0], 0x6F);
  EXPECT_EQ(ToHex(ByteView(r.data).subspan(2, 18)), "8410A0000005591010FFFFFFFF8900000100");
}

TEST_F(ApduFrontTest, WrongAidIs6A82AndKeepsSelection) {
  EXPECT_EQ(SelectIsdr(), 0x9000);
  EXPECT_EQ(Tx("00A4040C10A0000005591010FFFFFFFF8900050500").sw, 0x6A82);
  EXPECT_EQ(Es10("BF3E035C015A").sw, 0x9000);
}

TEST_F(ApduFrontTest, NotEuiccAnswers6A82ToEverySelect) {
  VirtualEuicc::Options o;
  o.not_euicc = true;
  LoadCard(o);
  EXPECT_EQ(SelectIsdr(), 0x6A82);
  EXPECT_EQ(Tx("00A4040C10A0000005591010FFFFFFFF8900050500").sw, 0x6A82);
}

TEST_F(ApduFrontTest, IsdrAidOptionOverridesState) {
  VirtualEuicc::Options o;
  o.isdr_aid = H("A0000005591010FFFFFFFF8900050500");
  LoadCard(o);
  EXPECT_EQ(SelectIsdr(), 0x6A82);
  EXPECT_EQ(Tx("00A4040C10A0000005591010FFFFFFFF8900050500").sw, 0x9000);
  EXPECT_EQ(Es10("BF3E035C015A").sw, 0x9000);
}

TEST_F(ApduFrontTest, StoreDataWithoutSelectIs6982) {
  EXPECT_EQ(Tx("80E2910006BF3E035C015A00").sw, 0x6982);
}

TEST_F(ApduFrontTest, ChannelOneThroughThreeUseLowClaBits) {
  auto open = Tx("0070000001");
  ASSERT_EQ(open.sw, 0x9000);
  ASSERT_EQ(open.data, Bytes{0x01});
  EXPECT_EQ(SelectIsdr(1), 0x9000);
  auto r = Es10(H("BF3E035C015A"), 1);
  EXPECT_EQ(r.sw, 0x9000);
  EXPECT_EQ(ToHex(r.data), "BF3E125A1089049032000000000000000012345644");
  // Channel 0 has nothing selected: the selection is per channel.
  EXPECT_EQ(Tx("80E29100065F3E035C015A00").sw, 0x6982);
  EXPECT_EQ(Tx("0070800100").sw, 0x9000);
  EXPECT_EQ(Tx("81E2910006BF3E035C015A00").sw, 0x6881);  // closed
}

TEST_F(ApduFrontTest, ChannelsFourAndUpUseC0Coding) {
  for (int ch = 1; ch <= 5; ++ch) {
    auto open = Tx("0070000001");
    ASSERT_EQ(open.sw, 0x9000);
    EXPECT_EQ(open.data, Bytes{static_cast<uint8_t>(ch)});
  }
  EXPECT_EQ(SelectIsdr(5), 0x9000);
  EXPECT_EQ(Tx("41A4040C10A0000005591010FFFFFFFF8900000100").sw, 0x9000);
  auto r = Es10(H("BF3E035C015A"), 5);  // CLA C1
  EXPECT_EQ(r.sw, 0x9000);
  EXPECT_EQ(r.data.size(), 21u);
  EXPECT_EQ(Tx("C2E2910006BF3E035C015A00").sw, 0x6881);  // channel 6 is not open
}

TEST_F(ApduFrontTest, OpenSpecificChannelAndBadCloses) {
  EXPECT_EQ(Tx("0070000700").sw, 0x9000);
  EXPECT_EQ(Tx("0070000700").sw, 0x6881);  // already open
  EXPECT_EQ(Tx("0070801400").sw, 0x6881);  // 20 does not exist
  EXPECT_EQ(Tx("0070800000").sw, 0x6881);  // the basic channel never closes
  EXPECT_EQ(Tx("0070800200").sw, 0x6881);  // not open
  EXPECT_EQ(Tx("0070800700").sw, 0x9000);
}

TEST_F(ApduFrontTest, AllChannelsInUse) {
  for (int i = 1; i < 20; ++i) ASSERT_EQ(Tx("0070000001").sw, 0x9000);
  EXPECT_EQ(Tx("0070000001").sw, 0x6A81);
}

TEST_F(ApduFrontTest, ResetClosesChannelsAndSelections) {
  ASSERT_EQ(Tx("0070000001").sw, 0x9000);
  ASSERT_EQ(SelectIsdr(0), 0x9000);
  ASSERT_EQ(SelectIsdr(1), 0x9000);
  card_->Reset();
  EXPECT_EQ(Tx("80E29100065F3E035C015A00").sw, 0x6982);
  EXPECT_EQ(Tx("81E29100065F3E035C015A00").sw, 0x6881);
}

TEST_F(ApduFrontTest, UnknownInsAndClass) {
  EXPECT_EQ(Tx("00B0000000").sw, 0x6D00);
  EXPECT_EQ(Tx("A0A4000C023F00").sw, 0x6E00);
  EXPECT_EQ(Tx("00E2910003BF2000").sw, 0x6E00);  // STORE DATA needs the proprietary class
  EXPECT_EQ(Tx("80A4040C10A0000005591010FFFFFFFF8900000100").sw, 0x6E00);
  EXPECT_EQ(Tx("00A4").sw, 0x6700);
  EXPECT_EQ(Tx("80E29100").sw, 0x6982);
  EXPECT_EQ(Tx("80E2910005BF20").sw, 0x6700);  // Lc says 5, one byte follows... and more are missing
}

TEST_F(ApduFrontTest, ChainedStoreDataInSmallBlocks) {
  ASSERT_EQ(SelectIsdr(), 0x9000);
  auto r = Es10(H("BF2D0B5C09 5A4F9F70909192 9395"), 0, 3);
  EXPECT_EQ(r.sw, 0x9000);
  ASSERT_GE(r.data.size(), 4u);
  EXPECT_EQ(ToHex(ByteView(r.data).first(2)), "BF2D");
}

TEST_F(ApduFrontTest, BlockOutOfSequenceIsRejectedAndChainDropped) {
  ASSERT_EQ(SelectIsdr(), 0x9000);
  EXPECT_EQ(Tx("80E2110003BF3E03").sw, 0x9000);
  EXPECT_EQ(Tx("80E2910203 5C015A00").sw, 0x6A86);  // block 2 after block 0
  EXPECT_EQ(Tx("80E2910103 5C015A00").sw, 0x6A86);  // the chain is gone
  EXPECT_EQ(Tx("80E2330003BF3E03").sw, 0x6A86);     // bad P1
  // A new chain from block 0 works.
  EXPECT_EQ(Tx("80E2110003BF3E03").sw, 0x9000);
  auto r = Tx("80E29101035C015A00");
  EXPECT_EQ(r.sw, 0x9000);
  EXPECT_EQ(r.data.size(), 21u);
}

TEST_F(ApduFrontTest, ChainsOnTwoChannelsDoNotMix) {
  ASSERT_EQ(Tx("0070000001").sw, 0x9000);
  ASSERT_EQ(SelectIsdr(0), 0x9000);
  ASSERT_EQ(SelectIsdr(1), 0x9000);
  EXPECT_EQ(Tx("80E2110003BF3E03").sw, 0x9000);      // channel 0: GetEID, first half
  EXPECT_EQ(Tx("81E2110002BF3C").sw, 0x9000);        // channel 1: addresses, first block
  auto eid = Tx("80E29101035C015A00");                 // channel 0 completes its own request
  EXPECT_EQ(eid.sw, 0x9000);
  EXPECT_EQ(ToHex(eid.data).substr(0, 8), "BF3E125A");
  auto addresses = Tx("81E29101010000");               // channel 1 completes BF3C00
  EXPECT_EQ(addresses.sw, 0x9000);
  EXPECT_EQ(ToHex(addresses.data).substr(0, 4), "BF3C");
}

TEST_F(ApduFrontTest, LongAnswerComesIn256ByteRoundsThrough61xx) {
  ASSERT_EQ(SelectIsdr(), 0x9000);
  auto first = Tx("80E2910003BF2D0000");
  ASSERT_EQ(first.sw >> 8, 0x61);
  EXPECT_EQ(first.data.size(), 256u);
  Bytes all = first.data;
  uint16_t sw = first.sw;
  int rounds = 0;
  while ((sw >> 8) == 0x61) {
    size_t expect = (sw & 0xFF) == 0 ? 256 : (sw & 0xFF);
    auto r = Tx(Bytes{0x00, 0xC0, 0x00, 0x00, static_cast<uint8_t>(sw & 0xFF)});
    EXPECT_EQ(r.data.size(), expect);
    all.insert(all.end(), r.data.begin(), r.data.end());
    sw = r.sw;
    ++rounds;
  }
  EXPECT_EQ(sw, 0x9000);
  EXPECT_GE(rounds, 1);
  // Assembled, it is the same as one extended answer.
  auto ext = Tx("80E29100000003BF2D000000");
  EXPECT_EQ(ext.sw, 0x9000);
  EXPECT_EQ(ext.data, all);
  EXPECT_GT(ext.data.size(), 256u);
}

TEST_F(ApduFrontTest, ShortLeAndSmallGetResponse) {
  ASSERT_EQ(SelectIsdr(), 0x9000);
  auto r = Tx("80E2910006BF3E035C015A10");  // Le 16 of 21 bytes
  EXPECT_EQ(r.sw, 0x6105);
  EXPECT_EQ(r.data.size(), 16u);
  auto rest = Tx("00C0000002");
  EXPECT_EQ(rest.sw, 0x6103);
  EXPECT_EQ(rest.data.size(), 2u);
  rest = Tx("00C0000003");
  EXPECT_EQ(rest.sw, 0x9000);
  EXPECT_EQ(rest.data.size(), 3u);
  EXPECT_EQ(Tx("00C0000000").sw, 0x6985);  // nothing left
}

TEST_F(ApduFrontTest, OtherCommandDiscardsPendingAnswer) {
  ASSERT_EQ(SelectIsdr(), 0x9000);
  EXPECT_EQ(Tx("80E2910006BF3E035C015A10").sw, 0x6105);
  ASSERT_EQ(SelectIsdr(), 0x9000);
  EXPECT_EQ(Tx("00C0000005").sw, 0x6985);
}

TEST_F(ApduFrontTest, ShortApduOnlySendsEverythingThroughGetResponse) {
  VirtualEuicc::Options o;
  o.short_apdu_only = true;
  LoadCard(o);
  ASSERT_EQ(SelectIsdr(), 0x9000);
  auto r = Tx("80E2910006BF3E035C015A00");
  EXPECT_EQ(r.sw, 0x6115);
  EXPECT_TRUE(r.data.empty());
  EXPECT_EQ(Tx("00C0000016").sw, 0x6C15);  // Le too long: T=0 says which Le to use
  auto eid = Tx("00C0000015");
  EXPECT_EQ(eid.sw, 0x9000);
  EXPECT_EQ(eid.data.size(), 21u);
  // Even an extended Le gets no more than 256 bytes per answer.
  auto big = Tx("80E29100000003BF2D000000");
  EXPECT_EQ(big.sw, 0x6100);
  auto part = Tx("00C0000000");
  EXPECT_EQ(part.data.size(), 256u);
  // SELECT with FCI request: 61xx as on T=0 cards.
  EXPECT_EQ(Tx("00A4040010A0000005591010FFFFFFFF890000010000").sw >> 8, 0x61);
}

TEST_F(ApduFrontTest, LatencyOptionSleepsPerApdu) {
  VirtualEuicc::Options o;
  o.latency_ms = 20;
  LoadCard(o);
  auto start = std::chrono::steady_clock::now();
  SelectIsdr();
  SelectIsdr();
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(40));
}

TEST_F(ApduFrontTest, UnknownEs10TagAndGarbageAre6A80) {
  ASSERT_EQ(SelectIsdr(), 0x9000);
  EXPECT_EQ(Es10("BF6600").sw, 0x6A80);   // a tag no ES10 function has
  EXPECT_EQ(Es10("BF2D05A0").sw, 0x6A80);  // length beyond the data
  EXPECT_EQ(Es10("BF20000000").sw, 0x6A80);  // trailing bytes
}

TEST_F(ApduFrontTest, Select61xxOffersTheFciThroughGetResponse) {
  VirtualEuicc::Options o;
  o.select_61xx = true;
  LoadCard(o);
  auto r = Tx("00A4040010A0000005591010FFFFFFFF890000010000");
  EXPECT_EQ(r.sw >> 8, 0x61);
  EXPECT_TRUE(r.data.empty());
  auto fci = Tx(Bytes{0x00, 0xC0, 0x00, 0x00, static_cast<uint8_t>(r.sw & 0xFF)});
  EXPECT_EQ(fci.sw, 0x9000);
  EXPECT_EQ(fci.data[0], 0x6F);
  // Not fetching it is fine: the next command works.
  EXPECT_EQ(Tx("00A4040010A0000005591010FFFFFFFF890000010000").sw >> 8, 0x61);
  EXPECT_EQ(Es10("BF3E035C015A").sw, 0x9000);
}

TEST_F(ApduFrontTest, Endless61xxNeverEndsUntilAnotherCommand) {
  VirtualEuicc::Options o;
  o.endless_61xx = true;
  LoadCard(o);
  ASSERT_EQ(SelectIsdr(), 0x9000);
  auto r = Tx("80E2910006BF3E035C015A00");
  EXPECT_EQ(r.sw, 0x6100);
  EXPECT_TRUE(r.data.empty());
  for (int i = 0; i < 20; ++i) {
    auto more = Tx("00C0000000");
    EXPECT_EQ(more.sw, 0x6100);
    EXPECT_TRUE(more.data.empty());
  }
  EXPECT_EQ(SelectIsdr(), 0x9000);
  EXPECT_EQ(Tx("00C0000000").sw, 0x6985);  // the loop ended with the new command
}

TEST_F(ApduFrontTest, WrongLeOnceAnnouncesTooMuchThenSays6Cxx) {
  VirtualEuicc::Options o;
  o.short_apdu_only = true;
  o.wrong_le_once = true;
  LoadCard(o);
  // SELECT's FCI (61xx on this T=0 card) never fires the quirk: it is not an ES10 answer.
  ASSERT_EQ(Tx("00A4040010A0000005591010FFFFFFFF890000010000").sw, 0x611A);
  auto r = Tx("80E2910006BF3E035C015A00");
  EXPECT_EQ(r.sw, 0x6125);  // 0x15 (21 bytes) + 16
  EXPECT_EQ(Tx("00C0000025").sw, 0x6C15);
  auto eid = Tx("00C0000015");
  EXPECT_EQ(eid.sw, 0x9000);
  EXPECT_EQ(eid.data.size(), 21u);
  // Once only.
  EXPECT_EQ(Tx("80E2910006BF3E035C015A00").sw, 0x6115);
}

TEST_F(ApduFrontTest, Sw6A88AtTheNthEs10Command) {
  VirtualEuicc::Options o;
  o.sw_6a88_at = 2;
  LoadCard(o);
  ASSERT_EQ(SelectIsdr(), 0x9000);
  EXPECT_EQ(Es10("BF3E035C015A").sw, 0x9000);
  EXPECT_EQ(Es10("BF3E035C015A").sw, 0x6A88);
  EXPECT_EQ(Es10("BF3E035C015A").sw, 0x9000);
}

// ---- What real cards accept (docs/quirks.md, "What the virtual card accepts") ---------------

class ProprietaryGetResponseTest : public CardFixture {
 protected:
  // GetProfilesInfo without a tag list in short APDUs, the rest fetched with GET RESPONSE in
  // class `get_response_base` (00 or 80) on `channel`; the assembled answer and the final SW.
  Rapdu LongAnswerFetchedWith(uint8_t get_response_base, int channel) {
    Rapdu r = Tx(Bytes{ClaFor(0x80, channel), 0xE2, 0x91, 0x00, 0x03, 0xBF, 0x2D, 0x00, 0x00});
    Bytes all = r.data;
    for (int rounds = 0; (r.sw >> 8) == 0x61 && rounds < 100; ++rounds) {
      r = Tx(Bytes{ClaFor(get_response_base, channel), 0xC0, 0x00, 0x00,
                   static_cast<uint8_t>(r.sw & 0xFF)});
      all.insert(all.end(), r.data.begin(), r.data.end());
    }
    r.data = all;
    return r;
  }
};

TEST_F(ProprietaryGetResponseTest, AcceptedOnEveryChannelWithTheWholeAnswer) {
  ASSERT_EQ(SelectIsdr(), 0x9000);
  auto whole = Tx("80E29100000003BF2D000000");  // one extended answer: the reference
  ASSERT_EQ(whole.sw, 0x9000);
  ASSERT_GT(whole.data.size(), 256u);
  for (int ch = 1; ch <= 5; ++ch) ASSERT_EQ(Tx("0070000001").sw, 0x9000);
  for (int channel : {0, 1, 3, 4, 5}) {
    SCOPED_TRACE("channel " + std::to_string(channel));
    ASSERT_EQ(SelectIsdr(channel), 0x9000);
    auto iso = LongAnswerFetchedWith(0x00, channel);
    EXPECT_EQ(iso.sw, 0x9000);
    EXPECT_EQ(iso.data, whole.data);
    auto proprietary = LongAnswerFetchedWith(0x80, channel);  // 80 / 81 / 83 / C0 / C1
    EXPECT_EQ(proprietary.sw, 0x9000);
    EXPECT_EQ(proprietary.data, whole.data);
  }
}

TEST_F(ProprietaryGetResponseTest, KeepsTheIsoChecks) {
  ASSERT_EQ(SelectIsdr(), 0x9000);
  EXPECT_EQ(Tx("80C0000000").sw, 0x6985);  // nothing waiting
  EXPECT_EQ(Tx("80E2910006BF3E035C015A10").sw, 0x6105);
  EXPECT_EQ(Tx("80C0010005").sw, 0x6A86);  // P1-P2 must be 0000, as in the interindustry class
  auto rest = Tx("80C0000005");
  EXPECT_EQ(rest.sw, 0x9000);
  EXPECT_EQ(rest.data.size(), 5u);
  EXPECT_EQ(Tx("81C0000000").sw, 0x6881);  // channel 1 is not open
}

TEST_F(ProprietaryGetResponseTest, ShortApduOnlyCardServesItToo) {
  VirtualEuicc::Options o;
  o.short_apdu_only = true;
  LoadCard(o);
  ASSERT_EQ(Tx("0070000001").sw, 0x9000);
  ASSERT_EQ(SelectIsdr(1), 0x9000);
  auto r = LongAnswerFetchedWith(0x80, 1);
  EXPECT_EQ(r.sw, 0x9000);
  ASSERT_GT(r.data.size(), 256u);
  EXPECT_EQ(ToHex(ByteView(r.data).first(2)), "BF2D");
}

TEST_F(ApduFrontTest, SelectWithP2FcpAnswersAnFcpTemplate) {
  auto r = Tx("00A4040410A0000005591010FFFFFFFF890000010000");
  EXPECT_EQ(r.sw, 0x9000);
  ASSERT_GE(r.data.size(), 20u);
  EXPECT_EQ(r.data[0], 0x62);
  EXPECT_EQ(ToHex(ByteView(r.data).subspan(2, 18)), "8410A0000005591010FFFFFFFF8900000100");
  EXPECT_EQ(Es10("BF3E035C015A").sw, 0x9000);  // the ISD-R is selected
  // The wrong AID with P2 04 is not found, as with P2 00.
  EXPECT_EQ(Tx("00A4040410A0000005591010FFFFFFFF890005050000").sw, 0x6A82);
}

TEST_F(ApduFrontTest, WhatStaysStrict) {
  ASSERT_EQ(SelectIsdr(), 0x9000);
  EXPECT_EQ(Tx("80700000 01").sw, 0x6E00);  // MANAGE CHANNEL: interindustry class only
  EXPECT_EQ(Tx("0012000000").sw, 0x6E00);   // FETCH: proprietary class only
  EXPECT_EQ(Tx("0014000000").sw, 0x6E00);   // TERMINAL RESPONSE: proprietary class only
  EXPECT_EQ(Tx("84E2910006BF3E035C015A00").sw, 0x6E00);  // secure messaging bits: no SM here
  EXPECT_EQ(Tx("10A4040C10A0000005591010FFFFFFFF8900000100").sw, 0x6E00);  // command chaining
  EXPECT_EQ(Tx("00A4040810A0000005591010FFFFFFFF8900000100").sw, 0x6A86);  // P2 08: FMD
  EXPECT_EQ(Tx("00A4000C023F00").sw, 0x6A82);  // by file identifier: no file system here
}

}  // namespace
}  // namespace esim::vcard::testing
