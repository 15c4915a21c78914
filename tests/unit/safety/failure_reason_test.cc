// FailureReason: the reason a failed delivery reports, from the last attempt and the server's
// response body, without any network (the function tests/fuzz/fuzz_es9_response.cc fuzzes).
#include <string>

#include <gtest/gtest.h>

#include "src/safety/handle_notification_client.h"

namespace esim {
namespace {

DeliveryAttempt Http(int64_t status) {
  DeliveryAttempt attempt;
  attempt.http_status = status;
  return attempt;
}

TEST(FailureReasonTest, AddsTheServersErrorOrMessage) {
  EXPECT_EQ(FailureReason(Http(400), R"({"error":"bad signature"})"), "HTTP 400 (bad signature)");
  EXPECT_EQ(FailureReason(Http(500), R"({"message":"internal"})"), "HTTP 500 (internal)");
  // "error" wins over "message"; non-string values and other documents add nothing.
  EXPECT_EQ(FailureReason(Http(400), R"({"message":"m","error":"e"})"), "HTTP 400 (e)");
  EXPECT_EQ(FailureReason(Http(400), R"({"error":42})"), "HTTP 400");
  EXPECT_EQ(FailureReason(Http(404), "<html>not found</html>"), "HTTP 404");
  EXPECT_EQ(FailureReason(Http(503), ""), "HTTP 503");
  EXPECT_EQ(FailureReason(Http(400), R"(["error"])"), "HTTP 400");
}

TEST(FailureReasonTest, EscapesAndShortensTheServersText) {
  EXPECT_EQ(FailureReason(Http(400), "{\"error\":\"a\\nb\\u0007\"}"), "HTTP 400 (a\\x0ab\\x07)");
  std::string reason = FailureReason(Http(400), "{\"error\":\"" + std::string(1000, 'x') + "\"}");
  EXPECT_EQ(reason, "HTTP 400 (" + std::string(200, 'x') + "...)");
}

TEST(FailureReasonTest, TransportErrorsIgnoreTheBody) {
  DeliveryAttempt attempt;
  attempt.transport_error = "connection reset";
  EXPECT_EQ(FailureReason(attempt, R"({"error":"stale"})"), "connection reset");
  EXPECT_EQ(FailureReason(DeliveryAttempt{}, ""), "no outcome recorded");
}

}  // namespace
}  // namespace esim
