#include "src/validate/input.h"

#include <gtest/gtest.h>

namespace esim {
namespace {

TEST(ParseIccidTest, AcceptsEighteenToTwentyDigits) {
  EXPECT_EQ(*ParseIccid("898802000000000012"), "898802000000000012");    // 18
  EXPECT_EQ(*ParseIccid("8988020000000000123"), "8988020000000000123");  // 19
  EXPECT_EQ(*ParseIccid("89880200000000001234"), "89880200000000001234");  // 20
}

TEST(ParseIccidTest, AcceptsTheFPaddedForm) {
  EXPECT_EQ(*ParseIccid("8988020000000000123F"), "8988020000000000123");
  EXPECT_EQ(*ParseIccid("8988020000000000123f"), "8988020000000000123");
  EXPECT_EQ(*ParseIccid("898802000000000012FF"), "898802000000000012");
}

TEST(ParseIccidTest, RejectsWrongLengthsAndCharacters) {
  for (const char* bad : {"89880200000000001", "898802000000000012345", "", "8988020000000000A23",
                          "8988020000000000123F1", "F988020000000000123", "89880200000000001FFF"}) {
    auto r = ParseIccid(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidInput) << bad;
  }
  EXPECT_NE(ParseIccid("12345").status().message().find("5 digits"), std::string::npos);
}

TEST(ParseProfileIdTest, TellsIccidFromAid) {
  auto iccid = ParseProfileId("8999010010000001018");
  ASSERT_TRUE(iccid.ok());
  EXPECT_EQ(std::get<es10::Iccid>(*iccid), "8999010010000001018");
  auto aid = ParseProfileId("A0000005591010FFFFFFFF8900001000");
  ASSERT_TRUE(aid.ok());
  EXPECT_EQ(ToHex(std::get<es10::IsdpAid>(*aid).aid), "A0000005591010FFFFFFFF8900001000");
  EXPECT_TRUE(ParseProfileId("A00000055910").ok());  // 6 bytes is a valid AID length
  EXPECT_EQ(ParseProfileId("A000").status().code(), ErrorCode::kInvalidInput);       // 2 bytes
  EXPECT_EQ(ParseProfileId("A0000005591010FFFFFFFF890000100000").status().code(),  // 17 bytes
            ErrorCode::kInvalidInput);
  EXPECT_EQ(ParseProfileId("A0000005591010FFFFFFFF890000100").status().code(),  // odd
            ErrorCode::kInvalidInput);
  EXPECT_EQ(ParseProfileId("12345").status().code(), ErrorCode::kInvalidInput);
}

TEST(ParseNicknameTest, SixtyFourBytesOfMultiByteUtf8AreAccepted) {
  // 16 x "€" (3 bytes) + 16 x "a" = 64 bytes, 32 characters.
  std::string name;
  for (int i = 0; i < 16; ++i) name += "\xE2\x82\xAC";
  name += std::string(16, 'a');
  ASSERT_EQ(name.size(), 64u);
  EXPECT_TRUE(ParseNickname(name).ok());
  EXPECT_TRUE(ParseNickname("").ok());
}

TEST(ParseNicknameTest, SixtyFiveBytesAreRejected) {
  std::string name;
  for (int i = 0; i < 16; ++i) name += "\xE2\x82\xAC";
  name += std::string(17, 'a');
  ASSERT_EQ(name.size(), 65u);
  auto r = ParseNickname(name);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(r.status().message().find("65 bytes"), std::string::npos);
}

TEST(ParseNicknameTest, InvalidUtf8IsRejected) {
  for (const char* bad : {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "ab\x80"}) {
    EXPECT_EQ(ParseNickname(bad).status().code(), ErrorCode::kInvalidInput) << bad;
  }
  EXPECT_TRUE(ParseNickname("Reisen \xE2\x9C\x88 \xF0\x9F\x93\xB1").ok());
}

TEST(ParseFqdnTest, AcceptsHostNames) {
  EXPECT_EQ(*ParseFqdn("smdp.example.com"), "smdp.example.com");
  EXPECT_EQ(*ParseFqdn("rsp-1.carrier.example."), "rsp-1.carrier.example");
  EXPECT_EQ(*ParseFqdn("SMDP.COM"), "SMDP.COM");
}

TEST(ParseFqdnTest, RejectsWhatIsNotAHostName) {
  for (const char* bad : {"", "localhost", "a..b", "-a.example", "a-.example", "smdp_1.example",
                          "https://smdp.example", "smdp.example/path", "sm dp.example"}) {
    EXPECT_EQ(ParseFqdn(bad).status().code(), ErrorCode::kInvalidInput) << bad;
  }
  EXPECT_FALSE(ParseFqdn(std::string(64, 'a') + ".example").ok());
  EXPECT_TRUE(ParseFqdn(std::string(63, 'a') + ".example").ok());
}

TEST(ParseFqdnTest, UsesTheOneHostNameRule) {
  // An IPv4 literal is no host name, for the default SM-DP+ address as for delivery.
  EXPECT_EQ(ParseFqdn("192.0.2.1").status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(ParseFqdn("192.0.2.1").status().message().find("an IP address is not a host name"), std::string::npos);
  EXPECT_TRUE(ParseFqdn("1smdp.example").ok());
}

TEST(HostNameProblemTest, SaysWhatIsWrongOrNothing) {
  EXPECT_EQ(HostNameProblem("smdp.example.com"), "");
  EXPECT_EQ(HostNameProblem("localhost"), "");  // a host name; ParseFqdn alone asks for two labels
  EXPECT_EQ(HostNameProblem(""), "it is empty");
  EXPECT_EQ(HostNameProblem("a..b"), "empty label");
  EXPECT_EQ(HostNameProblem("example."), "empty label");
  EXPECT_EQ(HostNameProblem("-a.example"), "a label starts or ends with '-'");
  EXPECT_EQ(HostNameProblem(std::string(64, 'a') + ".example"), "a label is longer than 63 characters");
  EXPECT_EQ(HostNameProblem("host_name.example"), "only letters, digits, '-' and '.' are allowed");
  EXPECT_EQ(HostNameProblem("10.1.2.3"), "an IP address is not a host name");
}

TEST(ParseSeqNumberTest, AcceptsZeroAndLargeValues) {
  EXPECT_EQ(*ParseSeqNumber("0"), 0);
  EXPECT_EQ(*ParseSeqNumber("1926"), 1926);
  for (const char* bad : {"", "-1", "abc", "1.5", "99999999999999999999", "+3"}) {
    EXPECT_EQ(ParseSeqNumber(bad).status().code(), ErrorCode::kInvalidInput) << bad;
  }
}

}  // namespace
}  // namespace esim
