#include "src/validate/download_input.h"

#include <gtest/gtest.h>

#include "common/bytes.h"

namespace esim {
namespace {

TEST(ActivationCodeTest, ParsesAllFieldsAndAnyPrefixCase) {
  auto code = ParseActivationCode("lpa:1$smdp.example.com$ABC-123$1.2.3.4$1");
  ASSERT_TRUE(code.ok()) << code.status().message();
  EXPECT_EQ(code->smdp_address, "smdp.example.com");
  EXPECT_EQ(code->matching_id, "ABC-123");
  EXPECT_EQ(code->smdp_oid, "1.2.3.4");
  EXPECT_TRUE(code->confirmation_code_required);

  auto minimal = ParseActivationCode("LPA:1$smdp.example.com:8443$");
  ASSERT_TRUE(minimal.ok()) << minimal.status().message();
  EXPECT_EQ(minimal->smdp_address, "smdp.example.com:8443");
  EXPECT_EQ(minimal->matching_id, "");
  EXPECT_FALSE(minimal->smdp_oid);
  EXPECT_FALSE(minimal->confirmation_code_required);

  EXPECT_TRUE(ParseActivationCode("1$smdp.example.com$X").ok());
}

TEST(ActivationCodeTest, RefusesMalformedCodesWithoutEchoingTheMatchingId) {
  for (const char* bad : {"LPA:2$smdp.example.com$X", "LPA:1$smdp.example.com", "LPA:1$$X",
                          "LPA:1$not_a_host$X", "LPA:1$smdp.example.com:0$X", "LPA:1$smdp.example.com$X$abc",
                          "LPA:1$smdp.example.com$X$1.2$2", "LPA:1$smdp.example.com$X$1.2$1$extra",
                          "LPA:1$smdp.example.com$SEC RET", "", "LPA:"}) {
    auto code = ParseActivationCode(bad);
    ASSERT_FALSE(code.ok()) << bad;
    EXPECT_EQ(code.status().code(), ErrorCode::kInvalidInput) << bad;
    EXPECT_NE(code.status().message().find("activation code"), std::string::npos) << bad;
  }
  EXPECT_EQ(ParseActivationCode("LPA:1$smdp.example.com$SEC RET").status().message().find("SEC"),
            std::string::npos);
}

TEST(SmdpAddressTest, AcceptsHostAndPort) {
  EXPECT_EQ(*ParseSmdpAddress("rsp.example.com"), "rsp.example.com");
  EXPECT_EQ(*ParseSmdpAddress("rsp.example.com.:443"), "rsp.example.com:443");
  for (const char* bad : {"localhost", "rsp.example.com:", "rsp.example.com:65536", "rsp.example.com:x",
                          "https://rsp.example.com", "10.0.0.1", "rsp.example.com/path"}) {
    EXPECT_FALSE(ParseSmdpAddress(bad).ok()) << bad;
  }
}

TEST(MatchingIdTest, AllowsEmptyRefusesDollarAndControl) {
  EXPECT_TRUE(ParseMatchingId("").ok());
  EXPECT_TRUE(ParseMatchingId("TS48V1-A-UNIQUE").ok());
  EXPECT_FALSE(ParseMatchingId("a$b").ok());
  EXPECT_FALSE(ParseMatchingId("a\nb").ok());
  EXPECT_FALSE(ParseMatchingId(std::string(256, 'A')).ok());
}

TEST(ConfirmationCodeTest, NeedsPrintableNonEmpty) {
  EXPECT_TRUE(ParseConfirmationCode("12345678").ok());
  EXPECT_FALSE(ParseConfirmationCode("").ok());
  EXPECT_FALSE(ParseConfirmationCode("12 34").ok());
  EXPECT_EQ(ParseConfirmationCode("12\x01" "34").status().message().find("12"), std::string::npos);
}

TEST(ImeiTest, FifteenDigitsWithLuhn) {
  EXPECT_EQ(*ParseImei("490154203237518"), "490154203237518");  // the classic Luhn example
  EXPECT_EQ(*ParseImei("359206110000007"), "359206110000007");
  auto wrong = ParseImei("490154203237519");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(wrong.status().message().find("should end in 8"), std::string::npos);
  for (const char* bad : {"", "4901542032375", "4901542032375180", "49015420323751A", " 490154203237518",
                          "-90154203237518", "4901542O3237518"}) {
    EXPECT_FALSE(ParseImei(bad).ok()) << bad;
  }
}

TEST(ImeiTest, FourteenDigitsRefusedWithTheCheckDigit) {
  auto short_imei = ParseImei("49015420323751");
  ASSERT_FALSE(short_imei.ok());
  EXPECT_NE(short_imei.status().message().find("with its check digit it is 490154203237518"), std::string::npos)
      << short_imei.status().message();
  auto imeisv = ParseImei("4901542032375101");
  ASSERT_FALSE(imeisv.ok());
  EXPECT_NE(imeisv.status().message().find("IMEISV"), std::string::npos);
}

TEST(ImeiTest, PacksSwappedBcd) {
  EXPECT_EQ(ToHex(PackImei("490154203237518")), "94104502237315F8");
  EXPECT_EQ(ToHex(PackImei("359206110000007")), "53296011000000F7");
  EXPECT_EQ(ToHex(PackTac("490154203237518")), "94104502");
  EXPECT_EQ(ToHex(PackTac("359206110000007")), "53296011");
}

}  // namespace
}  // namespace esim
