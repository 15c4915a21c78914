// DownloadProfile (src/ops/download.h) against a fake card and a fake SM-DP+: the flow's order,
// the checks of the server's answers, the cancel reasons, and "last answer lost → list → truth".
#include "src/ops/download.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "tests/unit/asn1/test_util.h"

namespace esim {
namespace {

using esim::testing::Cat;
using esim::testing::Hex;
using esim::testing::Tlv;

Bytes Text(std::string_view text) { return Bytes(text.begin(), text.end()); }

const Bytes kTid = Hex("0A0B0C");
const Bytes kChallenge = Bytes(16, 0xC1);
const std::string kAddress = "smdp.example.com";
const Bytes kIccidBcd = Hex("98001032547698103214");  // 89000123456789012341
const char kIccid[] = "89000123456789012341";

Bytes Metadata(std::string_view name = "Profile") {
  return Tlv("BF25", {Tlv("5A", {kIccidBcd}), Tlv("91", {Text("Carrier")}), Tlv("92", {Text(name)})});
}

// BF37 with success, or with error `reason`.
Bytes InstallResult(std::optional<int> reason) {
  Bytes final_result = reason ? Tlv("A1", {Tlv("80", {Hex("05")}), Tlv("81", {Bytes{static_cast<uint8_t>(*reason)}})})
                              : Tlv("A0", {Tlv("4F", {Hex("A0000005591010FFFFFFFF8900001000")}), Tlv("04", {Hex("3000")})});
  Bytes notification = Tlv("BF2F", {Tlv("80", {Hex("07")}), Tlv("81", {Hex("0780")}), Tlv("0C", {Text(kAddress)}),
                                    Tlv("5A", {kIccidBcd})});
  return Tlv("BF37", {Tlv("BF27", {Tlv("80", {kTid}), notification, Tlv("06", {Hex("2B0601")}), Tlv("A2", {final_result})}),
                      Tlv("5F37", {Bytes(64, 0x22)})});
}

// A BPP whose 88 segment carries `metadata` (and a stand-in MAC), with two 86 segments.
Bytes Bpp(const Bytes& metadata, const Bytes& tid = kTid) {
  Bytes init = Tlv("BF23", {Tlv("82", {Hex("01")}), Tlv("80", {tid})});
  return Tlv("BF36", {init, Tlv("A0", {Tlv("87", {Bytes(24, 1)})}), Tlv("A1", {Tlv("88", {metadata, Bytes(8, 0xAA)})}),
                      Tlv("A3", {Tlv("86", {Bytes(40, 2)}), Tlv("86", {Bytes(40, 3)})})});
}

class FakeCard : public DownloadCard {
 public:
  std::vector<std::string> calls;
  std::vector<Bytes> pieces;
  std::optional<int64_t> authenticate_error, prepare_error;
  std::optional<es10::PrepareDownloadRequest> prepared;
  std::optional<es10::AuthenticateServerRequest> authenticated;
  // Answer of the last piece: BF37 bytes, or a failure.
  Result<Bytes> last_answer = InstallResult(std::nullopt);
  bool has_profile_after = false;
  std::vector<es10::CancelReason> cancels;

  Result<Bytes> GetEuiccChallenge() override { calls.push_back("challenge"); return kChallenge; }
  Result<Bytes> GetEuiccInfo1() override { calls.push_back("info1"); return Hex("BF2003820102"); }
  Result<es10::SessionAnswer> AuthenticateServer(const es10::AuthenticateServerRequest& request) override {
    calls.push_back("authenticateServer");
    authenticated = request;
    es10::SessionAnswer answer;
    answer.der = Hex("BF3803A00100");
    answer.errorCode = authenticate_error;
    return answer;
  }
  Result<es10::SessionAnswer> PrepareDownload(const es10::PrepareDownloadRequest& request) override {
    calls.push_back("prepareDownload");
    prepared = request;
    es10::SessionAnswer answer;
    answer.der = Hex("BF2103A00100");
    answer.errorCode = prepare_error;
    return answer;
  }
  Result<Bytes> LoadPiece(ByteView piece) override {
    pieces.emplace_back(piece.begin(), piece.end());
    if (pieces.size() < expected_pieces) return Bytes{};
    calls.push_back("load");
    return last_answer;
  }
  Result<es10::SessionAnswer> CancelSession(ByteView, es10::CancelReason reason) override {
    calls.push_back("cancel");
    cancels.push_back(reason);
    es10::SessionAnswer answer;
    answer.der = Hex("BF4103A00100");
    return answer;
  }
  Status Reconnect() override {
    calls.push_back("reconnect");
    return Status::Ok();
  }
  Result<bool> HasProfile(const es10::Iccid& iccid) override {
    calls.push_back("list");
    return has_profile_after && iccid == kIccid;
  }
  size_t expected_pieces = 7;  // BF36+BF23, A0, A1, 88, A3, 86, 86
};

class FakeServer : public es9p::Es9PlusServer {
 public:
  std::vector<std::string> calls;
  std::string signed_address = kAddress;
  Bytes signed_tid = kTid;
  bool cc_required = false;
  Bytes profile_metadata = Metadata();
  Bytes bpp = Bpp(Metadata());
  std::optional<Status> fail_authenticate_client;
  std::vector<Bytes> cancel_answers;
  std::string sent_address;

  Result<es9p::InitiateAuthenticationAnswer> InitiateAuthentication(ByteView challenge, ByteView info1,
                                                                    const std::string& address) override {
    calls.push_back("initiateAuthentication");
    EXPECT_EQ(Bytes(challenge.begin(), challenge.end()), kChallenge);
    EXPECT_EQ(ToHex(info1), "BF2003820102");
    EXPECT_EQ(address.substr(0, address.find(':')), kAddress);  // as the user gave it, port included
    sent_address = address;
    es9p::InitiateAuthenticationAnswer answer;
    answer.transactionId = kTid;
    answer.serverSigned1 = Tlv("30", {Tlv("80", {signed_tid}), Tlv("81", {kChallenge}), Tlv("83", {Text(signed_address)}),
                                      Tlv("84", {Bytes(16, 0x5E)})});
    answer.serverSignature1 = Tlv("5F37", {Bytes(64, 1)});
    answer.euiccCiPKIdToBeUsed = Tlv("04", {Bytes(20, 2)});
    answer.serverCertificate = Tlv("30", {});
    return answer;
  }
  Result<es9p::AuthenticateClientAnswer> AuthenticateClient(ByteView tid, ByteView response) override {
    calls.push_back("authenticateClient");
    EXPECT_EQ(ToHex(tid), ToHex(kTid));
    EXPECT_EQ(ToHex(response), "BF3803A00100");
    if (fail_authenticate_client) return *fail_authenticate_client;
    es9p::AuthenticateClientAnswer answer;
    answer.transactionId = kTid;
    answer.profileMetadata = profile_metadata;
    answer.smdpSigned2 = Tlv("30", {Tlv("80", {kTid}), Tlv("01", {Bytes{static_cast<uint8_t>(cc_required ? 0xFF : 0)}})});
    answer.smdpSignature2 = Tlv("5F37", {Bytes(64, 3)});
    answer.smdpCertificate = Tlv("30", {});
    return answer;
  }
  Result<es9p::GetBoundProfilePackageAnswer> GetBoundProfilePackage(ByteView tid, ByteView response) override {
    calls.push_back("getBoundProfilePackage");
    EXPECT_EQ(ToHex(response), "BF2103A00100");
    return es9p::GetBoundProfilePackageAnswer{Bytes(tid.begin(), tid.end()), bpp};
  }
  Status CancelSession(ByteView, ByteView response) override {
    calls.push_back("cancelSession");
    cancel_answers.emplace_back(response.begin(), response.end());
    return Status::Ok();
  }
};

class FakeUser : public DownloadUser {
 public:
  bool accept = true;
  std::optional<std::string> code;
  int shown = 0;
  bool ConfirmProfile(const es10::ProfileInfo& metadata) override {
    ++shown;
    EXPECT_EQ(metadata.iccid, kIccid);
    return accept;
  }
  std::optional<std::string> AskConfirmationCode() override { return code; }
};

DownloadRequest Request() {
  DownloadRequest request;
  request.smdp_address = kAddress;
  request.matching_id = "MATCH";
  return request;
}

TEST(DownloadTest, SuccessRunsTheFlowInOrderAndSendsEveryPieceOnce) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  auto outcome = DownloadProfile(card, server, Request(), user);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_EQ(card.calls, (std::vector<std::string>{"challenge", "info1", "authenticateServer", "prepareDownload", "load"}));
  EXPECT_EQ(server.calls,
            (std::vector<std::string>{"initiateAuthentication", "authenticateClient", "getBoundProfilePackage"}));
  EXPECT_EQ(user.shown, 1);
  ASSERT_TRUE(outcome->result);
  EXPECT_TRUE(outcome->result->success);
  EXPECT_TRUE(outcome->warning.empty());
  EXPECT_EQ(outcome->metadata.profileName, "Profile");
  ASSERT_EQ(card.pieces.size(), 7u);
  Bytes joined;
  for (const Bytes& piece : card.pieces) joined.insert(joined.end(), piece.begin(), piece.end());
  EXPECT_EQ(joined, server.bpp);
  EXPECT_EQ(card.authenticated->ctxParams1.matchingId, "MATCH");
  EXPECT_FALSE(card.prepared->hashCc);
}

TEST(DownloadTest, DeclinedCancelsWithEndUserRejectionOnBothSides) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  user.accept = false;
  auto outcome = DownloadProfile(card, server, Request(), user);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kNotConfirmed);
  EXPECT_EQ(card.cancels, (std::vector<es10::CancelReason>{es10::CancelReason::kEndUserRejection}));
  ASSERT_EQ(server.cancel_answers.size(), 1u);
  EXPECT_EQ(ToHex(server.cancel_answers[0]), "BF4103A00100");  // the card's signed answer, forwarded
  EXPECT_TRUE(card.pieces.empty());
}

TEST(DownloadTest, MetadataMismatchCancelsWithReasonFour) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  server.bpp = Bpp(Metadata("Another profile"));
  auto outcome = DownloadProfile(card, server, Request(), user);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kServerAnswerInvalid);
  EXPECT_EQ(card.cancels, (std::vector<es10::CancelReason>{es10::CancelReason::kMetadataMismatch}));
  EXPECT_EQ(server.calls.back(), "cancelSession");
  EXPECT_TRUE(card.pieces.empty());
}

TEST(DownloadTest, BppOfAnotherTransactionIsRefused) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  server.bpp = Bpp(Metadata(), Hex("FFFF"));
  auto outcome = DownloadProfile(card, server, Request(), user);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kServerAnswerInvalid);
  EXPECT_EQ(card.cancels, (std::vector<es10::CancelReason>{es10::CancelReason::kLoadBppExecutionError}));
}

TEST(DownloadTest, ServerFailureCancelsWithUndefinedReasonAndKeepsTheCodes) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  server.fail_authenticate_client =
      Status(ErrorCode::kServerRefused, "the SM-DP+ answered Failed (subject 8.1.1, reason 3.8)");
  auto outcome = DownloadProfile(card, server, Request(), user);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kServerRefused);
  EXPECT_NE(outcome.status().message().find("subject 8.1.1, reason 3.8"), std::string::npos);
  EXPECT_EQ(card.cancels, (std::vector<es10::CancelReason>{es10::CancelReason::kUndefinedReason}));
  EXPECT_EQ(user.shown, 0);
}

TEST(DownloadTest, WrongServerAddressOrTransactionStopsBeforeTheCard) {
  for (int variant = 0; variant < 2; ++variant) {
    FakeCard card;
    FakeServer server;
    FakeUser user;
    if (variant == 0) server.signed_address = "evil.example.com";
    if (variant == 1) server.signed_tid = Hex("0102");
    auto outcome = DownloadProfile(card, server, Request(), user);
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.status().code(), ErrorCode::kServerAnswerInvalid);
    EXPECT_EQ(card.calls, (std::vector<std::string>{"challenge", "info1"})) << variant;
  }
}

TEST(DownloadTest, ServerAddressComparesHostsIgnoringPortAndCase) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  server.signed_address = "SMDP.example.com";
  DownloadRequest request = Request();
  request.smdp_address = "smdp.example.com:8443";
  EXPECT_TRUE(DownloadProfile(card, server, request, user).ok());
  EXPECT_EQ(server.sent_address, "smdp.example.com:8443");
}

TEST(DownloadTest, CardRefusingTheServerIs53) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  card.authenticate_error = 7;
  auto outcome = DownloadProfile(card, server, Request(), user);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kCardRefusedServer);
  EXPECT_NE(outcome.status().message().find("ciPKUnknown"), std::string::npos);
  // The card's error answer goes to the server in authenticateClient; the card has no session left to cancel.
  EXPECT_EQ(server.calls, (std::vector<std::string>{"initiateAuthentication", "authenticateClient"}));
  EXPECT_TRUE(card.cancels.empty());
}

TEST(DownloadTest, CardRefusingToPrepareForwardsItsErrorToGetBoundProfilePackage) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  card.prepare_error = 2;
  auto outcome = DownloadProfile(card, server, Request(), user);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kCardRefusedServer);
  EXPECT_NE(outcome.status().message().find("invalidSignature"), std::string::npos);
  EXPECT_EQ(server.calls.back(), "getBoundProfilePackage");
  EXPECT_TRUE(card.pieces.empty());
}

TEST(DownloadTest, ConfirmationCodeIsHashedWithTheTransactionId) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  server.cc_required = true;
  DownloadRequest request = Request();
  request.confirmation_code = "1234";
  ASSERT_TRUE(DownloadProfile(card, server, request, user).ok());
  ASSERT_TRUE(card.prepared->hashCc);
  uint8_t inner[32];
  SHA256(reinterpret_cast<const uint8_t*>("1234"), 4, inner);
  Bytes both(inner, inner + 32);
  both.insert(both.end(), kTid.begin(), kTid.end());
  uint8_t outer[32];
  SHA256(both.data(), both.size(), outer);
  EXPECT_EQ(*card.prepared->hashCc, Bytes(outer, outer + 32));
}

TEST(DownloadTest, MissingConfirmationCodeIs57AndPostpones) {
  FakeCard card;
  FakeServer server;
  FakeUser user;  // cannot ask
  server.cc_required = true;
  auto outcome = DownloadProfile(card, server, Request(), user);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kConfirmationCodeRequired);
  EXPECT_EQ(card.cancels, (std::vector<es10::CancelReason>{es10::CancelReason::kPostponed}));

  FakeCard card2;
  FakeServer server2;
  server2.cc_required = true;
  user.code = "5678";  // asked on the terminal
  EXPECT_TRUE(DownloadProfile(card2, server2, Request(), user).ok());
  EXPECT_TRUE(card2.prepared->hashCc);
}

TEST(DownloadTest, InstallErrorsMapToTheirExitCodes) {
  const std::pair<int, ErrorCode> cases[] = {{9, ErrorCode::kIccidAlreadyInstalled},
                                             {10, ErrorCode::kNotEnoughMemory},
                                             {8, ErrorCode::kInstallFailed}};
  for (const auto& [reason, code] : cases) {
    FakeCard card;
    FakeServer server;
    FakeUser user;
    card.last_answer = InstallResult(reason);
    auto outcome = DownloadProfile(card, server, Request(), user);
    ASSERT_FALSE(outcome.ok());
    EXPECT_EQ(outcome.status().code(), code) << reason;
    EXPECT_TRUE(card.cancels.empty()) << "the card ended the session itself";
  }
}

TEST(DownloadTest, EarlyInstallErrorEndsTheLoad) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  card.expected_pieces = 2;  // the card answers BF37 to the A0 piece
  card.last_answer = InstallResult(8);
  auto outcome = DownloadProfile(card, server, Request(), user);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kInstallFailed);
  EXPECT_EQ(card.pieces.size(), 2u);
}

TEST(DownloadTest, LostLastAnswerWithTheProfileInstalledIsSuccessWithWarning) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  card.last_answer = Status(ErrorCode::kReaderError, "reader: no answer");
  card.has_profile_after = true;
  auto outcome = DownloadProfile(card, server, Request(), user);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_FALSE(outcome->result);
  EXPECT_NE(outcome->warning.find("is installed"), std::string::npos);
  EXPECT_EQ(card.calls, (std::vector<std::string>{"challenge", "info1", "authenticateServer", "prepareDownload", "load",
                                                  "reconnect", "list"}));
  EXPECT_TRUE(card.cancels.empty());
}

TEST(DownloadTest, LostLastAnswerWithoutTheProfileCancelsWithLoadError) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  card.last_answer = Status(ErrorCode::kCardRemoved, "card removed");
  auto outcome = DownloadProfile(card, server, Request(), user);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kCardRemoved);
  EXPECT_NE(outcome.status().message().find("is not on the card"), std::string::npos);
  EXPECT_EQ(card.cancels, (std::vector<es10::CancelReason>{es10::CancelReason::kLoadBppExecutionError}));
  EXPECT_EQ(server.calls.back(), "cancelSession");
}

TEST(DownloadTest, AnErrorStatusWordOnTheLastPieceListsWithoutReconnecting) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  card.last_answer = Status(ErrorCode::kCardStatus, "STORE DATA block 1 of 1: card answered 6F00");
  card.has_profile_after = true;  // the card installed it anyway (lpac #173)
  auto outcome = DownloadProfile(card, server, Request(), user);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  EXPECT_NE(outcome->warning.find("6F00"), std::string::npos);
  EXPECT_EQ(std::count(card.calls.begin(), card.calls.end(), "reconnect"), 0);
  EXPECT_EQ(card.calls.back(), "list");
}

TEST(DownloadTest, MessagesNeverShowTheMatchingIdOrConfirmationCode) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  user.accept = false;
  DownloadRequest request = Request();
  request.matching_id = "SECRET-MATCHING-ID";
  request.confirmation_code = "SECRET-CC";
  auto outcome = DownloadProfile(card, server, request, user);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().message().find("SECRET"), std::string::npos);
}

}  // namespace
}  // namespace esim

namespace esim {
namespace {

// Records what the flow reports, in order.
class FakeRecorder : public DownloadRecorder {
 public:
  std::vector<std::string> events;
  std::string fail_at;  // a step whose recording fails
  Status Note(const std::string& event) {
    events.push_back(event);
    return event == fail_at ? Status(ErrorCode::kJournalUnavailable, "disk full") : Status::Ok();
  }
  Status Authenticated(ByteView tid) override { return Note("authenticated " + ToHex(tid)); }
  Status ClientAuthenticated(const es10::ProfileInfo& m) override { return Note("client " + m.iccid.value_or("")); }
  Status StepReached(const std::string& step) override { return Note(step); }
  void Cancelled(es10::CancelReason reason, const std::string& card, const std::string& server) override {
    events.push_back("cancelled " + std::to_string(static_cast<int>(reason)) + " " + card + " / " + server);
  }
};

class PostponingUser : public DownloadUser {
 public:
  bool ConfirmProfile(const es10::ProfileInfo&) override { return false; }
  std::optional<std::string> AskConfirmationCode() override { return std::nullopt; }
  es10::CancelReason DeclineReason() const override { return es10::CancelReason::kPostponed; }
};

TEST(DownloadRecorderTest, EveryStepIsReportedInOrderBeforeTheNextRequest) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  FakeRecorder recorder;
  auto outcome = DownloadProfile(card, server, Request(), user, &recorder);
  ASSERT_TRUE(outcome.ok()) << outcome.status().message();
  const std::string tid = ToHex(outcome->transaction_id);
  std::vector<std::string> expected = {"authenticated " + tid, std::string("client ") + kIccid, "confirmed",
                                       "prepared", "bpp-received"};
  for (size_t i = 1; i < card.pieces.size(); ++i) {
    expected.push_back("loading " + std::to_string(i) + "/" + std::to_string(card.pieces.size()));
  }
  expected.push_back("loaded");
  EXPECT_EQ(recorder.events, expected);
}

TEST(DownloadRecorderTest, DeclineReasonComesFromTheUserAndTheCancelIsReported) {
  FakeCard card;
  FakeServer server;
  PostponingUser user;
  FakeRecorder recorder;
  auto outcome = DownloadProfile(card, server, Request(), user, &recorder);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kNotConfirmed);
  EXPECT_EQ(card.cancels, (std::vector<es10::CancelReason>{es10::CancelReason::kPostponed}));
  // Refused before PrepareDownload: the card never prepared, the server built nothing.
  EXPECT_FALSE(card.prepared);
  EXPECT_EQ(server.calls, (std::vector<std::string>{"initiateAuthentication", "authenticateClient", "cancelSession"}));
  ASSERT_FALSE(recorder.events.empty());
  EXPECT_EQ(recorder.events.back(), "cancelled 1 signed (reason 1) / accepted");
}

TEST(DownloadRecorderTest, AStepTheJournalCannotTakeStopsAndCancels) {
  FakeCard card;
  FakeServer server;
  FakeUser user;
  FakeRecorder recorder;
  recorder.fail_at = "prepared";
  auto outcome = DownloadProfile(card, server, Request(), user, &recorder);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.status().code(), ErrorCode::kJournalUnavailable);
  EXPECT_EQ(card.cancels, (std::vector<es10::CancelReason>{es10::CancelReason::kUndefinedReason}));
  EXPECT_TRUE(card.pieces.empty());  // no getBoundProfilePackage, no load
  EXPECT_EQ(std::count(server.calls.begin(), server.calls.end(), "getBoundProfilePackage"), 0);
}

}  // namespace
}  // namespace esim
