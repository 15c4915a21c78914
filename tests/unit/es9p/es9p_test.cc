// The ES9+ download JSON (src/es9p/es9p.h): request bodies, status handling, mismatch detection.
#include "src/es9p/es9p.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/base64.h"

namespace esim::es9p {
namespace {

using nlohmann::json;

const json kSuccess = {{"functionExecutionStatus", {{"status", "Executed-Success"}}}};

TEST(Es9pBuildTest, RequestBodiesUseBase64AndUpperHexTransactionId) {
  json init = json::parse(BuildInitiateAuthentication(Bytes{1, 2, 3}, Bytes{0xBF, 0x20, 0x00}, "smdp.example.com"));
  EXPECT_EQ(init["euiccChallenge"], "AQID");
  EXPECT_EQ(init["euiccInfo1"], "vyAA");
  EXPECT_EQ(init["smdpAddress"], "smdp.example.com");
  json auth = json::parse(BuildAuthenticateClient(Bytes{0xAB, 0x01}, Bytes{0xFF}));
  EXPECT_EQ(auth["transactionId"], "AB01");
  EXPECT_EQ(auth["authenticateServerResponse"], "/w==");
  json bpp = json::parse(BuildGetBoundProfilePackage(Bytes{0xAB}, Bytes{0xBF, 0x21}));
  EXPECT_EQ(bpp["prepareDownloadResponse"], "vyE=");
  json cancel = json::parse(BuildCancelSession(Bytes{0xAB}, Bytes{0xBF, 0x41}));
  EXPECT_EQ(cancel["cancelSessionResponse"], "v0E=");
  EXPECT_EQ(cancel["transactionId"], "AB");
}

TEST(Es9pParseTest, InitiateAuthenticationSuccess) {
  json body = {{"header", kSuccess},
               {"transactionId", "0102"},
               {"serverSigned1", Base64(Bytes{0x30, 0x00})},
               {"serverSignature1", Base64(Bytes{0x5F, 0x37, 0x00})},
               {"euiccCiPKIdToBeUsed", Base64(Bytes{0x04, 0x00})},
               {"serverCertificate", Base64(Bytes{0x30, 0x01, 0x05})}};
  auto parsed = ParseInitiateAuthentication(body.dump());
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->transactionId, (Bytes{1, 2}));
  EXPECT_EQ(parsed->serverCertificate, (Bytes{0x30, 0x01, 0x05}));
  body.erase("serverCertificate");
  EXPECT_EQ(ParseInitiateAuthentication(body.dump()).status().code(), ErrorCode::kServerAnswerInvalid);
}

TEST(Es9pParseTest, FailedShowsSubjectAndReasonCodes) {
  json body = {{"header",
                {{"functionExecutionStatus",
                  {{"status", "Failed"},
                   {"statusCodeData",
                    {{"subjectCode", "8.2.6"}, {"reasonCode", "3.8"}, {"message", "Refused\x1b[31m"}}}}}}}};
  auto parsed = ParseInitiateAuthentication(body.dump());
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), ErrorCode::kServerRefused);
  const std::string message = parsed.status().message();
  EXPECT_NE(message.find("subject 8.2.6, reason 3.8"), std::string::npos) << message;
  EXPECT_EQ(message.find('\x1b'), std::string::npos) << "control characters reach the terminal";
  EXPECT_EQ(CheckHeader(body.dump()).code(), ErrorCode::kServerRefused);
  body["header"]["functionExecutionStatus"]["status"] = "Expired";
  EXPECT_EQ(CheckHeader(body.dump()).code(), ErrorCode::kServerRefused);
  body["header"]["functionExecutionStatus"]["status"] = "Executed-WithWarning";
  EXPECT_TRUE(CheckHeader(body.dump()).ok());
}

TEST(Es9pParseTest, MalformedAnswersAreInvalid) {
  for (const std::string& bad : {std::string("not json"), std::string("[]"), std::string("{}"),
                                 json{{"header", json::object()}}.dump(),
                                 json{{"header", {{"functionExecutionStatus", {{"status", 3}}}}}}.dump()}) {
    EXPECT_EQ(CheckHeader(bad).code(), ErrorCode::kServerAnswerInvalid) << bad;
  }
}

TEST(Es9pParseTest, TransactionIdMismatchIsDetected) {
  json body = {{"header", kSuccess},
               {"transactionId", "0103"},
               {"profileMetadata", Base64(Bytes{0xBF, 0x25, 0x00})},
               {"smdpSigned2", "MAA="},
               {"smdpSignature2", "XzcA"},
               {"smdpCertificate", "MAA="}};
  auto wrong = ParseAuthenticateClient(body.dump(), Bytes{1, 2});
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), ErrorCode::kServerAnswerInvalid);
  EXPECT_NE(wrong.status().message().find("not this session's"), std::string::npos);
  auto right = ParseAuthenticateClient(body.dump(), Bytes{1, 3});
  ASSERT_TRUE(right.ok()) << right.status().message();
  EXPECT_EQ(right->profileMetadata, (Bytes{0xBF, 0x25, 0x00}));

  json bpp = {{"header", kSuccess}, {"transactionId", "0103"}, {"boundProfilePackage", "vzY*"}};
  EXPECT_EQ(ParseGetBoundProfilePackage(bpp.dump(), Bytes{1, 3}).status().code(), ErrorCode::kServerAnswerInvalid);
  bpp["boundProfilePackage"] = "vzYA";
  EXPECT_TRUE(ParseGetBoundProfilePackage(bpp.dump(), Bytes{1, 3}).ok());
}

TEST(Es9pBase64Test, StrictPaddedStandardAlphabet) {
  EXPECT_EQ(*DecodeBase64("", "x"), Bytes{});
  EXPECT_EQ(*DecodeBase64("vzY=", "x"), (Bytes{0xBF, 0x36}));
  EXPECT_EQ(*DecodeBase64("vw==", "x"), (Bytes{0xBF}));
  EXPECT_EQ(*DecodeBase64("+/+/", "x"), (Bytes{0xFB, 0xFF, 0xBF}));
  for (const char* bad : {"vzY", "v=Y=", "-_-_", "vw=A", "====", "vw==vw=="}) {
    EXPECT_FALSE(DecodeBase64(bad, "x").ok()) << bad;
  }
}

}  // namespace
}  // namespace esim::es9p
