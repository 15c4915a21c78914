// Unit tests of the test SM-DS (the SM-DS role of test-smdp): the event book, and ES11 through
// Es9Service with an eUICC built here from the SGP.26 keys: initiateAuthentication signed with
// CERT.DSauth (issued by make-dsauth-cert.sh under the SGP.26 CI), authenticateClient answering
// this EID's events, the ES9+ path (lpac's ES11) and its refusal under --smds-paths es11.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "common/base64.h"
#include "common/certificate_checks.h"
#include "common/raw_ecdsa.h"
#include "tests/smdp/es9_service.h"
#include "tests/smdp/euicc_checks.h"
#include "tests/smdp/smds_events.h"
#include "tests/smdp/tlv.h"

namespace esim::smdp {
namespace {

using nlohmann::json;

const std::string kSgp26 = std::string(ESIM_SHARED_DIR) + "/sgp26";
const std::string kEid = "89049032123451234512345678901235";  // the SGP.26 eUICC certificate's
const std::string kSmds = "testsmdpplus2.example.com";

Bytes ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

TEST(SmdsEvents, ParsesTheBookPerEid) {
  auto book = ParseSmdsEvents(R"({")" + kEid + R"(": [{"eventId": "E1", "rspServerAddress": "dp.example.com"}],
                                  "89049032123451234512345678901243": []})");
  ASSERT_TRUE(book.ok()) << book.status().message();
  ASSERT_EQ(book->at(kEid).size(), 1u);
  EXPECT_EQ(book->at(kEid)[0].event_id, "E1");
  EXPECT_EQ(book->at(kEid)[0].rsp_server_address, "dp.example.com");
  EXPECT_TRUE(book->at("89049032123451234512345678901243").empty());
}

TEST(SmdsEvents, RefusesMalformedBooks) {
  EXPECT_FALSE(ParseSmdsEvents("[]").ok());
  EXPECT_FALSE(ParseSmdsEvents(R"({"1234": []})").ok());
  EXPECT_FALSE(ParseSmdsEvents(R"({")" + kEid + R"(": {}})").ok());
  EXPECT_FALSE(ParseSmdsEvents(R"({")" + kEid + R"(": [{"eventId": "E1"}]})").ok());
  EXPECT_FALSE(ParseSmdsEvents(R"({")" + kEid + R"(": [{"eventId": 1, "rspServerAddress": "x"}]})").ok());
}

class SmdsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("smds-unit-" + std::to_string(::getpid()));
    std::string command = "bash " + std::string(ESIM_SOURCE_DIR) + "/tests/smdp/make-dsauth-cert.sh " + kSgp26 +
                          "/CERT_CI_ECDSA_NIST.pem " + kSgp26 + "/SK_CI_ECDSA_NIST.pem " + dir_.string();
    ASSERT_EQ(std::system(command.c_str()), 0);
    auto pki = ServerPki::Load(kSgp26);
    ASSERT_TRUE(pki.ok()) << pki.status().message();
    pki_ = std::move(*pki);
    ASSERT_TRUE(pki_.LoadSmds(dir_.string()).ok());
    auto key = LoadPrivateKey(kSgp26 + "/SK_EUICC_ECDSA_NIST.pem");
    ASSERT_TRUE(key.ok());
    euicc_key_ = std::move(*key);
    options_.smds_events = "(in memory)";
    options_.smds_address = kSmds;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Es9Service& Service() {
    service_ = std::make_unique<Es9Service>(options_, &pki_, pki_.ci.get(), OrderBook{}, log_, fail_);
    SmdsEventBook book;
    book[kEid] = {{"EVT-1", "testsmdpplus1.example.com"}, {"EVT-2", "dp2.example.com"}};
    service_->SetSmdsEvents(book);
    return *service_;
  }

  json Initiate(Es9Service& service, const char* member, bool es11_path, int* status = nullptr) {
    Bytes id = Wrap(0x04, pki_.ci_key_id);
    Bytes info1 = Wrap(0xBF20, Concat({Wrap(0x82, Bytes{2, 2, 0}), Wrap(0xA9, id), Wrap(0xAA, id)}));
    json body = {{"euiccChallenge", Base64(challenge_)}, {"euiccInfo1", Base64(info1)}, {member, kSmds}};
    Answer a = service.Handle(Function::kInitiateAuthentication, body.dump(), es11_path);
    if (status) *status = a.status;
    return json::parse(a.body, nullptr, false);
  }

  // The card's AuthenticateServer answer to `init` (SGP.26 eUICC), without a matchingId.
  Bytes CardAnswer(const json& init) {
    Bytes signed1 = *DecodeBase64Strict(init["serverSigned1"].get<std::string>());
    auto fields = Children(signed1, *ReadOnly(signed1, 0x30)).value();
    Bytes euicc_signed1 = Wrap(0x30, Concat({Whole(signed1, *Find(fields, 0x80)), Whole(signed1, *Find(fields, 0x83)),
                                             Whole(signed1, *Find(fields, 0x84)),
                                             Wrap(0xA0, Wrap(0xA1, Wrap(0x80, Bytes{0x35, 0x29, 0x06, 0x11})))}));
    Bytes signature = SignRawEcdsaSha256(euicc_key_.get(), euicc_signed1).value();
    return Wrap(0xBF38, Wrap(0xA0, Concat({euicc_signed1, Wrap(0x5F37, signature),
                                           ReadAll(kSgp26 + "/CERT_EUICC_ECDSA_NIST.der"),
                                           ReadAll(kSgp26 + "/CERT_EUM_ECDSA_NIST.der")})));
  }

  std::filesystem::path dir_;
  ServerPki pki_;
  EvpPkeyPtr euicc_key_;
  Options options_;
  EventLog log_{nullptr};
  FailPlan fail_{options_};
  std::unique_ptr<Es9Service> service_;
  Bytes challenge_ = Bytes(16, 0x3C);
};

TEST_F(SmdsServiceTest, Es11SignsWithDsAuthAndListsThisEidsEvents) {
  Es9Service& service = Service();
  json init = Initiate(service, "smdsAddress", /*es11_path=*/true);
  ASSERT_EQ(init["header"]["functionExecutionStatus"]["status"], "Executed-Success") << init.dump();
  Bytes cert = *DecodeBase64Strict(init["serverCertificate"].get<std::string>());
  EXPECT_EQ(ToHex(cert), ToHex(pki_.dsauth_der));
  auto parsed = certs::ParseDer(cert);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(certs::HasPolicy(parsed->get(), certs::kPolicyDsAuth));
  Bytes signed1 = *DecodeBase64Strict(init["serverSigned1"].get<std::string>());
  Bytes signature = *DecodeBase64Strict(init["serverSignature1"].get<std::string>());
  ASSERT_EQ(signature.size(), 67u);
  EXPECT_TRUE(VerifyRawEcdsaSha256(certs::PublicKey(parsed->get())->get(), signed1, ByteView(signature).subspan(3)));
  auto fields = Children(signed1, *ReadOnly(signed1, 0x30)).value();
  ByteView address = Value(signed1, *Find(fields, 0x83));
  EXPECT_EQ(std::string(address.begin(), address.end()), kSmds);

  json request = {{"transactionId", init["transactionId"]}, {"authenticateServerResponse", Base64(CardAnswer(init))}};
  Answer a = service.Handle(Function::kAuthenticateClient, request.dump(), true);
  json events = json::parse(a.body);
  ASSERT_EQ(events["header"]["functionExecutionStatus"]["status"], "Executed-Success") << a.body;
  EXPECT_EQ(events["transactionId"], init["transactionId"]);
  ASSERT_EQ(events["eventEntries"].size(), 2u);
  EXPECT_EQ(events["eventEntries"][0]["eventId"], "EVT-1");
  EXPECT_EQ(events["eventEntries"][1]["rspServerAddress"], "dp2.example.com");
  EXPECT_EQ(a.log["matchingIdSent"], false);
  // The session is over: the same transactionId again is unknown.
  json again = json::parse(service.Handle(Function::kAuthenticateClient, request.dump(), true).body);
  EXPECT_EQ(again["header"]["functionExecutionStatus"]["statusCodeData"]["subjectCode"], "8.10.1");
}

TEST_F(SmdsServiceTest, TheEs9PlusPathServesTheSmdsAddressToo) {
  Es9Service& service = Service();
  json init = Initiate(service, "smdpAddress", /*es11_path=*/false);
  ASSERT_EQ(init["header"]["functionExecutionStatus"]["status"], "Executed-Success") << init.dump();
  EXPECT_EQ(ToHex(*DecodeBase64Strict(init["serverCertificate"].get<std::string>())), ToHex(pki_.dsauth_der));
  json request = {{"transactionId", init["transactionId"]}, {"authenticateServerResponse", Base64(CardAnswer(init))}};
  json events = json::parse(service.Handle(Function::kAuthenticateClient, request.dump(), false).body);
  EXPECT_EQ(events["eventEntries"].size(), 2u) << events.dump();
}

TEST_F(SmdsServiceTest, WrongMemberOrPathIsRefused) {
  int status = 0;
  // On the ES11 path the member is smdsAddress.
  Initiate(Service(), "smdpAddress", /*es11_path=*/true, &status);
  EXPECT_EQ(status, 400);
  // --smds-paths es11: on the ES9+ path the SM-DS address is just not this SM-DP+'s.
  options_.smds_paths = "es11";
  json init = Initiate(Service(), "smdpAddress", /*es11_path=*/false);
  EXPECT_EQ(init["header"]["functionExecutionStatus"]["statusCodeData"]["subjectCode"], "8.8.1") << init.dump();
}

}  // namespace
}  // namespace esim::smdp
