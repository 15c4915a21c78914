// ICCID BCD, EID check digits, INTEGER seqNumbers, NotificationEvent bit strings,
// extCardResource: the small encodings everything else relies on.
#include <gtest/gtest.h>

#include "asn1/es10_codec.h"
#include "tests/unit/asn1/test_util.h"

namespace esim::es10 {
namespace {

using esim::testing::Hex;
using esim::testing::Tlv;

// ---- ICCID -------------------------------------------------------------------------------

TEST(Iccid, TwentyDigitsAreNibbleSwapped) {
  auto bcd = EncodeIccid("98760000000000543210");
  ASSERT_OK(bcd);
  EXPECT_EQ(ToHex(*bcd), "89670000000000452301");
  auto digits = DecodeIccid(*bcd);
  ASSERT_OK(digits);
  EXPECT_EQ(*digits, "98760000000000543210");
}

TEST(Iccid, NineteenDigitsEncodeToTenBytesWithOneFiller) {
  auto bcd = EncodeIccid("8949000000000000123");
  ASSERT_OK(bcd);
  EXPECT_EQ(bcd->size(), 10u);
  EXPECT_EQ(ToHex(*bcd), "989400000000000021F3");
  EXPECT_EQ(DecodeIccid(*bcd).value(), "8949000000000000123");
}

TEST(Iccid, EighteenDigitsHaveTwoFillers) {
  auto bcd = EncodeIccid("894900000000001234");
  ASSERT_OK(bcd);
  EXPECT_EQ(ToHex(*bcd), "989400000000002143FF");
  EXPECT_EQ(DecodeIccid(*bcd).value(), "894900000000001234");
}

TEST(Iccid, BadDigitStringsAreInvalidInput) {
  for (const char* bad : {"", "12345678901234567", "123456789012345678901", "8949000000000000A23",
                          "894900000000000012 "}) {
    auto bcd = EncodeIccid(bad);
    ASSERT_FALSE(bcd.ok()) << bad;
    EXPECT_EQ(bcd.status().code(), ErrorCode::kInvalidInput) << bad;
  }
}

TEST(Iccid, BadBcdIsMalformed) {
  EXPECT_FALSE(DecodeIccid(Hex("896700000000004523")).ok());        // 9 bytes
  EXPECT_FALSE(DecodeIccid(Hex("8967000000000045230100")).ok());    // 11 bytes
  EXPECT_FALSE(DecodeIccid(Hex("8967000000F000452301")).ok());      // filler in the middle
  EXPECT_FALSE(DecodeIccid(Hex("896700000000004523A1")).ok());      // not a decimal nibble
  EXPECT_FALSE(DecodeIccid(Hex("98940000000000FFFFFF")).ok());      // only 14 digits
  EXPECT_EQ(DecodeIccid(Hex("896700000000004523A1")).status().code(), ErrorCode::kMalformedResponse);
}

TEST(Iccid, NineteenDigitIccidInsideMessagesStaysTenBytes) {
  auto der = Encode(EnableProfileRequest{Iccid("8949000000000000123"), false});
  ASSERT_OK(der);
  EXPECT_EQ(ToHex(*der), "BF3111A00C5A0A9894000000000000" "21F3" "810100");
}

// ---- EID ---------------------------------------------------------------------------------

TEST(Eid, GsmaExampleIsValid) {
  // 89049032123451234512345678901235 mod 97 == 1 (checked independently).
  EXPECT_TRUE(IsValidEid("89049032123451234512345678901235"));
}

TEST(Eid, WrongCheckDigitsOrShapeAreInvalid) {
  EXPECT_FALSE(IsValidEid("89049032123451234512345678901234"));  // last digit off by one
  EXPECT_FALSE(IsValidEid("89049032123451234512345678901253"));  // check digits swapped
  EXPECT_FALSE(IsValidEid("98049032123451234512345678901235"));  // body digits swapped
  EXPECT_FALSE(IsValidEid("8904903212345123451234567890123"));   // 31 digits
  EXPECT_FALSE(IsValidEid("890490321234512345123456789012350"));  // 33 digits
  EXPECT_FALSE(IsValidEid("8904903212345123451234567890123A"));
  EXPECT_FALSE(IsValidEid(""));
}

TEST(Eid, GetEidResponseCarriesDigitsUnswapped) {
  const Bytes der = Hex("BF3E125A1089049032123451234512345678901235");
  auto response = Decode<GetEuiccDataResponse>(der);
  ASSERT_OK(response);
  EXPECT_EQ(response->eidValue, "89049032123451234512345678901235");
  EXPECT_TRUE(IsValidEid(response->eidValue));
  EXPECT_EQ(Encode(*response).value(), der);
  EXPECT_FALSE(Decode<GetEuiccDataResponse>(Hex("BF3E125A108904903212345123451234567890123A")).ok());
  EXPECT_FALSE(Decode<GetEuiccDataResponse>(Hex("BF3E115A0F890490321234512345123456789012")).ok());
  EXPECT_EQ(Encode(GetEuiccDataResponse{"123"}).status().code(), ErrorCode::kInvalidInput);
}

TEST(Eid, GetEidRequest) {
  auto der = Encode(GetEuiccDataRequest{});
  ASSERT_OK(der);
  EXPECT_EQ(ToHex(*der), "BF3E035C015A");
  EXPECT_EQ(Decode<GetEuiccDataRequest>(*der).value().tagList, Bytes{0x5A});
}

// ---- seqNumber INTEGER -------------------------------------------------------------------

struct SeqCase {
  int64_t value;
  const char* der;  // NotificationSent request
};

class SeqNumber : public ::testing::TestWithParam<SeqCase> {};

TEST_P(SeqNumber, EncodesMinimalTwosComplementAndDecodes) {
  const SeqCase& c = GetParam();
  auto der = Encode(NotificationSentRequest{c.value});
  ASSERT_OK(der);
  EXPECT_EQ(ToHex(*der), c.der);
  auto request = Decode<NotificationSentRequest>(*der);
  ASSERT_OK(request);
  EXPECT_EQ(request->seqNumber, c.value);
}

INSTANTIATE_TEST_SUITE_P(Values, SeqNumber,
                         ::testing::Values(SeqCase{0, "BF3003800100"}, SeqCase{1, "BF3003800101"},
                                           SeqCase{127, "BF300380017F"}, SeqCase{128, "BF30048002" "0080"},
                                           SeqCase{255, "BF3004800200FF"}, SeqCase{300, "BF300480020" "12C"},
                                           SeqCase{1926, "BF300480020786"}));

TEST(SeqNumberMetadata, LargeSeqNumbersInNotificationMetadata) {
  for (int64_t seq : {0, 128, 300, 1926, 70000}) {
    NotificationMetadata metadata{seq, NotificationEvents{.enable = true}, "smdp.example.com", std::nullopt};
    auto der = Encode(metadata);
    ASSERT_OK(der);
    auto back = Decode<NotificationMetadata>(*der);
    ASSERT_OK(back);
    EXPECT_EQ(*back, metadata) << seq;
  }
  auto der = Encode(NotificationMetadata{128, NotificationEvents{.install = true}, "a", std::nullopt});
  ASSERT_OK(der);
  EXPECT_EQ(ToHex(*der), "BF2F0B80020080810207800C0161");
}

// ---- NotificationEvent BIT STRING ----------------------------------------------------------

struct EventCase {
  NotificationEvents events;
  const char* bits;  // content of the 81 element: unused-bits byte + bits
};

class EventBits : public ::testing::TestWithParam<EventCase> {};

TEST_P(EventBits, DerDropsTrailingZeroBits) {
  const EventCase& c = GetParam();
  auto der = Encode(ListNotificationRequest{c.events});
  ASSERT_OK(der);
  const Bytes bits = Hex(c.bits);
  EXPECT_EQ(ToHex(*der), ToHex(Tlv("BF28", {Tlv("81", {bits})})));
  auto request = Decode<ListNotificationRequest>(*der);
  ASSERT_OK(request);
  EXPECT_EQ(request->profileManagementOperation, c.events);
}

INSTANTIATE_TEST_SUITE_P(Values, EventBits,
                         ::testing::Values(EventCase{{.deletion = true}, "0410"},
                                           EventCase{{.disable = true}, "0520"},
                                           EventCase{{.enable = true}, "0640"},
                                           EventCase{{.install = true}, "0780"},
                                           EventCase{{.disable = true, .deletion = true}, "0430"},
                                           EventCase{{.install = true, .deletion = true}, "0490"},
                                           EventCase{{}, "00"}));

TEST(EventBitsBer, NonMinimalUnusedBitsStillDecode) {
  // 04 20 = four bits, bit 2 set (Android writes disable like this).
  auto request = Decode<ListNotificationRequest>(Hex("BF280481020420"));
  ASSERT_OK(request);
  EXPECT_EQ(request->profileManagementOperation, (NotificationEvents{.disable = true}));
  // Unused bits that are set carry no value.
  auto masked = Decode<ListNotificationRequest>(Hex("BF28048102071F"));
  ASSERT_FALSE(masked.ok() && masked->profileManagementOperation != NotificationEvents{})
      << "set unused bits must not turn into events";
}

TEST(EventBitsBer, ListNotificationWithoutFilterIsEmptySequence) {
  auto der = Encode(ListNotificationRequest{});
  ASSERT_OK(der);
  EXPECT_EQ(ToHex(*der), "BF2800");
  auto request = Decode<ListNotificationRequest>(*der);
  ASSERT_OK(request);
  EXPECT_FALSE(request->profileManagementOperation.has_value());
}

// ---- extCardResource ------------------------------------------------------------------------

TEST(ExtCardResource, ParsesTheThreeKnownTlvs) {
  auto resource = ParseExtCardResource(Hex("810100" "820400019A28" "8302229A"));
  EXPECT_EQ(resource.installedApplications, 0u);
  EXPECT_EQ(resource.freeNonVolatileMemory, 0x019A28u);
  EXPECT_EQ(resource.freeVolatileMemory, 0x229Au);
}

TEST(ExtCardResource, SkipsUnknownAndStopsAtGarbage) {
  auto resource = ParseExtCardResource(Hex("8401FF" "810103" "82"));
  EXPECT_EQ(resource.installedApplications, 3u);
  EXPECT_FALSE(resource.freeNonVolatileMemory.has_value());
  EXPECT_FALSE(resource.freeVolatileMemory.has_value());
  auto empty = ParseExtCardResource({});
  EXPECT_FALSE(empty.installedApplications.has_value());
}

}  // namespace
}  // namespace esim::es10
