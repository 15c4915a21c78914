// PlanDownload through the change pipeline on the in-process virtual eUICC with the SGP.26
// identity and a scripted SM-DP+: the flow runs under its own journal record, the client's
// AuthenticateServer reaches the card's parser, and a failure cancels on the card with the card's
// signed answer forwarded to the server.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "asn1/tlv.h"
#include "src/safety/change_pipeline.h"
#include "src/safety/change_plans.h"

namespace esim {
namespace {

namespace fs = std::filesystem;

class YesConfirmer : public Confirmer {
 public:
  Status Confirm(const ConfirmationRequest&) override { return Status::Ok(); }
};

class NoUser : public DownloadUser {
 public:
  bool ConfirmProfile(const es10::ProfileInfo&) override { return false; }
  std::optional<std::string> AskConfirmationCode() override { return std::nullopt; }
};

Bytes Text(std::string_view text) { return Bytes(text.begin(), text.end()); }

// A server that authenticates with a well-formed but unsigned (zero) serverSignature1 and a
// certificate the card cannot chain: the card must refuse it.
class UntrustedServer : public es9p::Es9PlusServer {
 public:
  Bytes cancel_answer;
  Result<es9p::InitiateAuthenticationAnswer> InitiateAuthentication(ByteView challenge, ByteView info1,
                                                                    const std::string& address) override {
    EXPECT_EQ(challenge.size(), 16u);
    EXPECT_EQ(info1[0], 0xBF);
    es9p::InitiateAuthenticationAnswer answer;
    answer.transactionId = Bytes{0x01, 0x02, 0x03, 0x04};
    Bytes signed1;
    tlv::AppendTlv(signed1, 0x80, answer.transactionId);
    tlv::AppendTlv(signed1, 0x81, challenge);
    tlv::AppendTlv(signed1, 0x83, Text(address));
    tlv::AppendTlv(signed1, 0x84, Bytes(16, 0x55));
    answer.serverSigned1 = tlv::MakeTlv(0x30, signed1);
    answer.serverSignature1 = tlv::MakeTlv(0x5F37, Bytes(64, 0));
    // The SGP.26 CI's key id as the card lists it in EUICCInfo1 (first verification key).
    auto info = tlv::ReadElement(info1);
    tlv::TlvReader members(info->value, "EUICCInfo1");
    (void)members.Required(0x82, "svn");
    auto verification = members.Required(0xA9, "verification");
    answer.euiccCiPKIdToBeUsed = Bytes(verification->value.begin(), verification->value.end());
    answer.serverCertificate = tlv::MakeTlv(0x30, tlv::MakeTlv(0x30, Bytes{0x02, 0x01, 0x01}));
    return answer;
  }
  Bytes authenticate_client_body;
  Result<es9p::AuthenticateClientAnswer> AuthenticateClient(ByteView, ByteView response) override {
    authenticate_client_body.assign(response.begin(), response.end());
    return Status(ErrorCode::kServerRefused, "the SM-DP+ answered Failed (subject 8.1, reason 6.1)");
  }
  Result<es9p::GetBoundProfilePackageAnswer> GetBoundProfilePackage(ByteView, ByteView) override {
    return Status(ErrorCode::kInternal, "unexpected");
  }
  Status CancelSession(ByteView transaction_id, ByteView answer) override {
    EXPECT_EQ(ToHex(transaction_id), "01020304");
    cancel_answer.assign(answer.begin(), answer.end());
    return Status::Ok();
  }
};

class FailingServer : public UntrustedServer {
 public:
  Result<es9p::InitiateAuthenticationAnswer> InitiateAuthentication(ByteView, ByteView, const std::string&) override {
    return Status(ErrorCode::kServerRefused, "the SM-DP+ answered Failed (subject 8.8.5, reason 4.10)");
  }
};

class DownloadPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (fs::temp_directory_path() / "esim-download-plan-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    // The SGP.26 card, its key and certificate paths made absolute.
    std::ifstream in(std::string(ESIM_SOURCE_DIR) + "/tests/data/sgp26-state.json");
    std::stringstream text;
    text << in.rdbuf();
    std::string state = std::regex_replace(text.str(), std::regex("\\.\\./\\.\\./\\.\\./shared"), ESIM_SHARED_DIR);
    std::ofstream(dir_ + "/state.json") << state;
    GuardedSessionOptions options;
    options.card.reader = "virtual:" + dir_ + "/state.json";
    options.journal_path = dir_ + "/journal.db";
    options.deliver = false;
    auto guarded = GuardedSession::Open(options);
    ASSERT_TRUE(guarded.ok()) << guarded.status().message();
    guarded_ = std::move(*guarded);
  }
  void TearDown() override {
    guarded_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  DownloadRequest Request() {
    DownloadRequest request;
    request.smdp_address = "testsmdpplus1.example.com";
    request.matching_id = "SECRET-ID";
    return request;
  }

  std::string dir_;
  std::unique_ptr<GuardedSession> guarded_;
};

TEST_F(DownloadPlanTest, TheCardRefusesAnUntrustedServerAndItsSignedCancelIsForwarded) {
  UntrustedServer server;
  NoUser user;
  auto outcome = std::make_shared<std::optional<DownloadOutcome>>();
  ChangePlan plan = PlanDownload(Request(), server, user, outcome);
  EXPECT_EQ(plan.steps.front().description.find("SECRET"), std::string::npos);
  YesConfirmer yes;
  auto receipt = RunChangePlan(*guarded_, plan, yes);
  ASSERT_TRUE(receipt.ok()) << receipt.status().message();
  EXPECT_EQ(receipt->failure.code(), ErrorCode::kCardRefusedServer) << receipt->failure.message();
  EXPECT_FALSE(outcome->has_value());
  // The card's error answer (BF38 { A1 { 80 tid, 02 code } }) went to authenticateClient.
  auto forwarded = es10::DecodeAuthenticateServerResponse(server.authenticate_client_body);
  ASSERT_TRUE(forwarded.ok()) << forwarded.status().message();
  EXPECT_FALSE(forwarded->ok());
  EXPECT_TRUE(server.cancel_answer.empty());
  ASSERT_EQ(receipt->steps.size(), 1u);
  auto journaled = guarded_->journal().GetOperation(receipt->steps.front().operation_id);
  ASSERT_TRUE(journaled.ok()) << journaled.status().message();
  EXPECT_EQ(journaled->record.operation, "download");
  EXPECT_EQ(journaled->result_code, 53);
  EXPECT_TRUE(receipt->notifications.empty()) << "a refused authentication makes no notification";
}

TEST_F(DownloadPlanTest, AServerFailureBeforeTheSessionIsJournaledWithItsExitCode) {
  FailingServer server;
  NoUser user;
  auto outcome = std::make_shared<std::optional<DownloadOutcome>>();
  YesConfirmer yes;
  auto receipt = RunChangePlan(*guarded_, PlanDownload(Request(), server, user, outcome), yes);
  ASSERT_TRUE(receipt.ok()) << receipt.status().message();
  EXPECT_EQ(receipt->failure.code(), ErrorCode::kServerRefused);
  EXPECT_NE(receipt->failure.message().find("8.8.5"), std::string::npos);
  EXPECT_TRUE(server.cancel_answer.empty()) << "no session on the card yet: nothing to cancel";
  auto journaled = guarded_->journal().GetOperation(receipt->steps.front().operation_id);
  ASSERT_TRUE(journaled.ok());
  EXPECT_EQ(journaled->result_code, 51);
}

}  // namespace
}  // namespace esim
