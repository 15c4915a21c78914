#include "apdu/response_apdu.h"

#include <gtest/gtest.h>

namespace esim::apdu {
namespace {

TEST(ResponseApduTest, SplitsDataAndStatusWord) {
  Result<ResponseApdu> r = ParseResponse(FromHex("BF2D038101019000").value());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(r->data), "BF2D03810101");
  EXPECT_EQ(r->sw, 0x9000);
  EXPECT_EQ(r->sw1(), 0x90);
  EXPECT_EQ(r->sw2(), 0x00);
  EXPECT_TRUE(r->IsSuccess());
  EXPECT_EQ(ToHex(r->Encode()), "BF2D038101019000");
}

TEST(ResponseApduTest, StatusWordOnly) {
  Result<ResponseApdu> r = ParseResponse(FromHex("6A82").value());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->data.empty());
  EXPECT_EQ(r->sw, 0x6A82);
  EXPECT_FALSE(r->IsSuccess());
}

TEST(ResponseApduTest, TooShortIsAReaderError) {
  EXPECT_EQ(ParseResponse(Bytes{}).status().code(), ErrorCode::kReaderError);
  EXPECT_EQ(ParseResponse(Bytes{0x90}).status().code(), ErrorCode::kReaderError);
  const Bytes one{0x90};
  EXPECT_EQ(ParseResponse(one).status().code(), ErrorCode::kReaderError);
}

TEST(ResponseApduTest, CopiedAndMovedAnswersSplitTheSame) {
  const Bytes wire = FromHex("BF2D038101019000").value();
  Result<ResponseApdu> copied = ParseResponse(wire);
  Result<ResponseApdu> moved = ParseResponse(Bytes(wire));
  ASSERT_TRUE(copied.ok());
  ASSERT_TRUE(moved.ok());
  EXPECT_EQ(copied->data, moved->data);
  EXPECT_EQ(copied->sw, moved->sw);
  EXPECT_EQ(ToHex(moved->data), "BF2D03810101");
  EXPECT_EQ(ToHex(wire), "BF2D038101019000");  // a copied answer is left as it was
}

TEST(ResponseApduTest, ProactivePendingCountsAsSuccess) {
  EXPECT_TRUE((ResponseApdu{{}, 0x9110}).IsSuccess());
  EXPECT_TRUE((ResponseApdu{{}, 0x9100}).IsSuccess());
  EXPECT_FALSE((ResponseApdu{{}, 0x6100}).IsSuccess());
  EXPECT_FALSE((ResponseApdu{{}, 0x6C10}).IsSuccess());
  EXPECT_FALSE((ResponseApdu{{}, 0x9200}).IsSuccess());
}

TEST(ResponseApduTest, NamesTheStatusWordsOfTheFactsSheet) {
  EXPECT_EQ(DescribeStatusWord(0x9000), "ok");
  EXPECT_NE(DescribeStatusWord(0x6110).find("16 bytes"), std::string::npos);
  EXPECT_NE(DescribeStatusWord(0x6100).find("256"), std::string::npos);
  EXPECT_NE(DescribeStatusWord(0x6C20).find("Le=32"), std::string::npos);
  EXPECT_NE(DescribeStatusWord(0x9112).find("proactive"), std::string::npos);
  EXPECT_NE(DescribeStatusWord(0x6A82).find("not found"), std::string::npos);
  EXPECT_NE(DescribeStatusWord(0x6A80).find("incorrect data"), std::string::npos);
  EXPECT_EQ(DescribeStatusWord(0x6A88), "referenced data not found");
  EXPECT_EQ(DescribeStatusWord(0x6985), "conditions of use not satisfied");
  EXPECT_NE(DescribeStatusWord(0x6982).find("security status"), std::string::npos);
  EXPECT_NE(DescribeStatusWord(0x6881).find("logical channel"), std::string::npos);
  EXPECT_EQ(DescribeStatusWord(0x6D00), "instruction not supported");
  EXPECT_EQ(DescribeStatusWord(0x6E00), "class not supported");
}

TEST(ResponseApduTest, UnknownStatusWordsGetTheirClass) {
  EXPECT_EQ(DescribeStatusWord(0x6A99), "wrong parameters P1 P2");
  EXPECT_EQ(DescribeStatusWord(0x6F12), "no precise diagnosis");
  EXPECT_EQ(DescribeStatusWord(0x1234), "unknown status word");
  for (uint32_t sw = 0; sw <= 0xFFFF; ++sw) {
    ASSERT_FALSE(DescribeStatusWord(static_cast<uint16_t>(sw)).empty()) << sw;
  }
}

TEST(ResponseApduTest, UnexpectedStatusNamesCommandAndSw) {
  Status s = UnexpectedStatus(0x6A88, "STORE DATA block 2 of 3");
  EXPECT_EQ(s.code(), ErrorCode::kCardStatus);
  EXPECT_EQ(s.message(), "STORE DATA block 2 of 3: card answered 6A88 (referenced data not found)");
  EXPECT_EQ(UnexpectedStatus(0x6D00, "").message(), "card answered 6D00 (instruction not supported)");
  EXPECT_EQ(SwHex(0x0A0B), "0A0B");
}

}  // namespace
}  // namespace esim::apdu
