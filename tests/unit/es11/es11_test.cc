// The ES11 JSON (src/es11/es11.h): the requests on both paths and the checks of the answers.
#include "src/es11/es11.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace esim::es11 {
namespace {

using nlohmann::json;

const std::string kOk = R"("header":{"functionExecutionStatus":{"status":"Executed-Success"}})";

TEST(Es11Json, InitiateAuthenticationNamesTheAddressMemberOfThePath) {
  Bytes challenge(16, 0x01), info1{0xBF, 0x20, 0x00};
  json es11 = json::parse(BuildInitiateAuthentication(challenge, info1, "lpa.ds.example.com", Path::kEs11));
  EXPECT_EQ(es11["smdsAddress"], "lpa.ds.example.com");
  EXPECT_FALSE(es11.contains("smdpAddress"));
  EXPECT_EQ(es11["euiccInfo1"], "vyAA");
  json es9 = json::parse(BuildInitiateAuthentication(challenge, info1, "lpa.ds.example.com", Path::kEs9Plus));
  EXPECT_EQ(es9["smdpAddress"], "lpa.ds.example.com");
  EXPECT_FALSE(es9.contains("smdsAddress"));
  EXPECT_STREQ(PathSegment(Path::kEs11), "es11");
  EXPECT_STREQ(PathSegment(Path::kEs9Plus), "es9plus");
}

TEST(Es11Json, EventEntriesAreRead) {
  auto events = ParseAuthenticateClient(
      "{" + kOk + R"(,"transactionId":"0A0B","eventEntries":[{"eventId":"E1","rspServerAddress":"dp.example.com"},
      {"eventId":"E2","rspServerAddress":"dp2.example.com"}]})",
      Bytes{0x0A, 0x0B});
  ASSERT_TRUE(events.ok()) << events.status().message();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1], (EventEntry{"E2", "dp2.example.com"}));
}

TEST(Es11Json, NoEventEntriesIsNoEvent) {
  auto events = ParseAuthenticateClient("{" + kOk + "}", Bytes{0x01});
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
  events = ParseAuthenticateClient("{" + kOk + R"(,"eventEntries":[]})", Bytes{0x01});
  ASSERT_TRUE(events.ok());
  EXPECT_TRUE(events->empty());
}

TEST(Es11Json, AnotherTransactionIdOrABrokenEntryIsInvalid) {
  auto other = ParseAuthenticateClient("{" + kOk + R"(,"transactionId":"FF","eventEntries":[]})", Bytes{0x01});
  EXPECT_EQ(other.status().code(), ErrorCode::kServerAnswerInvalid);
  EXPECT_NE(other.status().message().find("SM-DS"), std::string::npos);
  auto entry = ParseAuthenticateClient("{" + kOk + R"(,"eventEntries":[{"eventId":"E1"}]})", Bytes{0x01});
  EXPECT_EQ(entry.status().code(), ErrorCode::kServerAnswerInvalid);
  auto list = ParseAuthenticateClient("{" + kOk + R"(,"eventEntries":{}})", Bytes{0x01});
  EXPECT_EQ(list.status().code(), ErrorCode::kServerAnswerInvalid);
}

TEST(Es11Json, FailedNamesTheSmdsWithItsCodes) {
  auto failed = ParseAuthenticateClient(
      R"({"header":{"functionExecutionStatus":{"status":"Failed","statusCodeData":{"subjectCode":"8.1","reasonCode":"4.8","message":"no events service"}}}})",
      Bytes{0x01});
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), ErrorCode::kServerRefused);
  EXPECT_NE(failed.status().message().find("the SM-DS answered Failed (subject 8.1, reason 4.8): no events service"),
            std::string::npos)
      << failed.status().message();
  auto init = ParseInitiateAuthentication(R"({"header":{"functionExecutionStatus":{"status":"Expired"}}})");
  EXPECT_EQ(init.status().code(), ErrorCode::kServerRefused);
  EXPECT_EQ(init.status().message().find("SM-DP+"), std::string::npos) << init.status().message();
}

}  // namespace
}  // namespace esim::es11
