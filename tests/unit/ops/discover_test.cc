// DiscoverEvents (src/ops/discover.h) against a fake card and a fake SM-DS: the ES11 order, no
// matchingId on the card, the checks of the SM-DS's answers, the card's refusal forwarded, and
// no CancelSession afterwards.
#include "src/ops/discover.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/asn1/test_util.h"

namespace esim {
namespace {

using esim::testing::Hex;
using esim::testing::Tlv;

Bytes Text(std::string_view text) { return Bytes(text.begin(), text.end()); }

const Bytes kTid = Hex("0D0E0F");
const Bytes kChallenge = Bytes(16, 0xD5);
const std::string kSmds = "lpa.ds.example.com";

class Card : public DownloadCard {
 public:
  std::vector<std::string> calls;
  std::optional<es10::AuthenticateServerRequest> authenticated;
  std::optional<int64_t> authenticate_error;
  Result<Bytes> GetEuiccChallenge() override { calls.push_back("challenge"); return kChallenge; }
  Result<Bytes> GetEuiccInfo1() override { calls.push_back("info1"); return Hex("BF2003820102"); }
  Result<es10::SessionAnswer> AuthenticateServer(const es10::AuthenticateServerRequest& request) override {
    calls.push_back("authenticateServer");
    authenticated = request;
    es10::SessionAnswer answer;
    answer.der = authenticate_error ? Hex("BF3808A10680010D020101") : Hex("BF3803A00100");
    answer.errorCode = authenticate_error;
    return answer;
  }
  Result<es10::SessionAnswer> PrepareDownload(const es10::PrepareDownloadRequest&) override {
    calls.push_back("prepareDownload");
    return Status(ErrorCode::kInternal, "not in a discovery");
  }
  Result<Bytes> LoadPiece(ByteView) override { return Status(ErrorCode::kInternal, "not in a discovery"); }
  Result<es10::SessionAnswer> CancelSession(ByteView, es10::CancelReason) override {
    calls.push_back("cancel");
    return Status(ErrorCode::kInternal, "not in a discovery");
  }
  Result<bool> HasProfile(const es10::Iccid&) override { return false; }
  Status Reconnect() override { return Status::Ok(); }
};

class Smds : public es11::Es11Server {
 public:
  std::vector<std::string> calls;
  std::string signed_address = kSmds;
  Bytes signed_tid = kTid;
  Bytes signed_challenge = kChallenge;
  Bytes forwarded;
  Result<std::vector<es11::EventEntry>> events = std::vector<es11::EventEntry>{
      {"EVT-1", "smdp1.example.com"}, {"EVT-2", "smdp2.example.com:8443"}};
  std::optional<Status> fail_initiate;

  Result<es9p::InitiateAuthenticationAnswer> InitiateAuthentication(ByteView challenge, ByteView info1,
                                                                    const std::string& address) override {
    calls.push_back("initiateAuthentication");
    EXPECT_EQ(Bytes(challenge.begin(), challenge.end()), kChallenge);
    EXPECT_EQ(ToHex(info1), "BF2003820102");
    EXPECT_EQ(address, kSmds);
    if (fail_initiate) return *fail_initiate;
    es9p::InitiateAuthenticationAnswer answer;
    answer.transactionId = kTid;
    answer.serverSigned1 = Tlv("30", {Tlv("80", {signed_tid}), Tlv("81", {signed_challenge}),
                                      Tlv("83", {Text(signed_address)}), Tlv("84", {Bytes(16, 0x5E)})});
    answer.serverSignature1 = Tlv("5F37", {Bytes(64, 1)});
    answer.euiccCiPKIdToBeUsed = Tlv("04", {Bytes(20, 2)});
    answer.serverCertificate = Tlv("30", {});
    return answer;
  }
  Result<std::vector<es11::EventEntry>> AuthenticateClient(ByteView tid, ByteView response) override {
    calls.push_back("authenticateClient");
    EXPECT_EQ(ToHex(tid), ToHex(kTid));
    forwarded.assign(response.begin(), response.end());
    return events;
  }
};

class DiscoverTest : public ::testing::Test {
 protected:
  Result<DiscoverOutcome> Run() {
    DiscoverRequest request;
    request.smds_address = kSmds;
    return DiscoverEvents(card_, smds_, request);
  }
  Card card_;
  Smds smds_;
};

TEST_F(DiscoverTest, ListsTheEventsWithoutAMatchingIdAndCancelsNothing) {
  auto outcome = Run();
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  ASSERT_EQ(outcome->events.size(), 2u);
  EXPECT_EQ(outcome->events[0], (es11::EventEntry{"EVT-1", "smdp1.example.com"}));
  EXPECT_EQ(outcome->events[1].rspServerAddress, "smdp2.example.com:8443");
  EXPECT_EQ(outcome->transaction_id, kTid);
  EXPECT_EQ(card_.calls, (std::vector<std::string>{"challenge", "info1", "authenticateServer"}));
  EXPECT_EQ(smds_.calls, (std::vector<std::string>{"initiateAuthentication", "authenticateClient"}));
  ASSERT_TRUE(card_.authenticated.has_value());
  EXPECT_FALSE(card_.authenticated->ctxParams1.matchingId.has_value());
  EXPECT_EQ(ToHex(smds_.forwarded), "BF3803A00100");
}

TEST_F(DiscoverTest, NoEventIsASuccess) {
  smds_.events = std::vector<es11::EventEntry>{};
  auto outcome = Run();
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_TRUE(outcome->events.empty());
}

TEST_F(DiscoverTest, UsesTheInfo1TheCallerRead) {
  DiscoverRequest request;
  request.smds_address = kSmds;
  request.euicc_info1 = Hex("BF2003820102");
  ASSERT_TRUE(DiscoverEvents(card_, smds_, request).ok());
  EXPECT_EQ(card_.calls, (std::vector<std::string>{"challenge", "authenticateServer"}));
}

TEST_F(DiscoverTest, AnotherServerAddressIsRefusedBeforeTheCard) {
  smds_.signed_address = "evil.example.net";
  auto outcome = Run();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kServerAnswerInvalid);
  EXPECT_NE(outcome.status().message().find("answered as another server"), std::string::npos);
  EXPECT_EQ(card_.calls, (std::vector<std::string>{"challenge", "info1"}));
}

TEST_F(DiscoverTest, SignedTransactionIdAndChallengeMustMatch) {
  smds_.signed_tid = Hex("FF");
  EXPECT_EQ(Run().status().code(), ErrorCode::kServerAnswerInvalid);
  smds_.signed_tid = kTid;
  smds_.signed_challenge = Bytes(16, 0x00);
  EXPECT_EQ(Run().status().code(), ErrorCode::kServerAnswerInvalid);
  EXPECT_EQ(std::count(card_.calls.begin(), card_.calls.end(), "authenticateServer"), 0);
}

TEST_F(DiscoverTest, TheSmdsRefusalKeepsItsCodes) {
  smds_.fail_initiate = Status(ErrorCode::kServerRefused, "the SM-DS answered Failed (subject 8.1, reason 4.8)");
  auto outcome = Run();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kServerRefused);
  EXPECT_NE(outcome.status().message().find("subject 8.1, reason 4.8"), std::string::npos);
  EXPECT_NE(outcome.status().message().find("no event was read"), std::string::npos);
}

TEST_F(DiscoverTest, TheCardsRefusalGoesToTheSmds) {
  card_.authenticate_error = 1;
  auto outcome = Run();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kCardRefusedServer);
  EXPECT_NE(outcome.status().message().find("invalidCertificate"), std::string::npos);
  EXPECT_EQ(ToHex(smds_.forwarded), "BF3808A10680010D020101");
  EXPECT_EQ(std::count(card_.calls.begin(), card_.calls.end(), "cancel"), 0);
}

TEST_F(DiscoverTest, AnUnusableEventAddressIsRefused) {
  smds_.events = std::vector<es11::EventEntry>{{"EVT-1", "not a host/../x"}};
  auto outcome = Run();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kServerAnswerInvalid);
}

}  // namespace
}  // namespace esim
