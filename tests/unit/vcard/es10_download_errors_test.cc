// Every refusal of the virtual eUICC's download functions with its SGP.22 code: AuthenticateServer
// and PrepareDownload errors, and the ProfileInstallationResult errorReasons of the load. A
// failed load leaves no profile and a signed BF37 pending.
#include "asn1/es10_codec.h"
#include "tests/unit/vcard/download_test_util.h"
#include "vcard/download_knobs.h"

namespace esim::vcard::testing {
namespace {

constexpr const char* kIccid = "8949449999999990023";

class DownloadErrorTest : public DownloadFixture {
 protected:
  // Loads `bpp` and expects a BF37 error with `command` and `reason`; no profile is installed.
  void ExpectInstallError(const Bpp& bpp, int64_t command, int64_t reason) {
    auto r = Load(bpp);
    ASSERT_EQ(r.sw, 0x9000);
    EXPECT_EQ(InstallError(r.data), std::make_pair(command, reason)) << ToHex(r.data);
    auto c = Children(r.data);
    ASSERT_EQ(c.size(), 2u);
    EXPECT_TRUE(euicc_->Verify(c[0].whole, c[1].value));
    auto doc = ReadJson(state_path_);
    EXPECT_EQ(doc["profiles"].size(), profiles_before_);
    EXPECT_FALSE(doc.contains("loadInProgress"));
    ASSERT_FALSE(doc["notifications"].empty());
    EXPECT_EQ(doc["notifications"].back()["profileInstallationResult"], ToHex(r.data));
    // The LPA's decoder reads the error result.
    auto decoded = es10::Decode<es10::PendingNotification>(r.data);
    ASSERT_TRUE(decoded.ok()) << decoded.status().message();
    const auto& pir = std::get<es10::ProfileInstallationResult>(decoded->value);
    EXPECT_FALSE(pir.success);
    EXPECT_EQ(pir.bppCommandId, command);
    EXPECT_EQ(pir.errorReason, reason);
  }
  Bytes Package() { return ReadBytes(Ts48("TS48V1-A-UNIQUE.der")); }
  size_t profiles_before_ = 0;
};

TEST_F(DownloadErrorTest, AuthenticateServerUnknownCiIs7) {
  Bytes other_ci = H("0102030405060708090A0102030405060708090A");
  EXPECT_EQ(ErrorCode(Authenticate(Challenge(), nullptr, &other_ci).data), 7);
}

TEST_F(DownloadErrorTest, AuthenticateServerWrongCertificateRoleIs1) {
  Bytes dppb = DpPbCert();  // chains to the CI, but is not a DPauth certificate
  EXPECT_EQ(ErrorCode(Authenticate(Challenge(), &dppb).data), 1);
  Bytes eum = ReadBytes(Sgp26Dir() + "/CERT_EUM_ECDSA_NIST.der");
  EXPECT_EQ(ErrorCode(Authenticate(Challenge(), &eum).data), 1);
}

TEST_F(DownloadErrorTest, AuthenticateServerBadSignatureIs2) {
  EXPECT_EQ(ErrorCode(Authenticate(Challenge(), nullptr, nullptr, true).data), 2);
}

TEST_F(DownloadErrorTest, AuthenticateServerOtherChallengeIs6) {
  Challenge();
  EXPECT_EQ(ErrorCode(Authenticate(Bytes(16, 0x77)).data), 6);
}

TEST_F(DownloadErrorTest, AuthenticateServerMalformedIs127) {
  Challenge();
  EXPECT_EQ(ErrorCode(Es10("BF3803800101").data), 127);
}

TEST_F(DownloadErrorTest, PrepareDownloadWrongCertificateIs1) {
  ASSERT_EQ(Authenticate(Challenge()).sw, 0x9000);
  Bytes dpauth = DpAuthCert();  // not a DPpb certificate
  EXPECT_EQ(ErrorCode(Prepare(false, false, &dpauth).data), 1);
}

TEST_F(DownloadErrorTest, PrepareDownloadBadSignatureIs2) {
  ASSERT_EQ(Authenticate(Challenge()).sw, 0x9000);
  EXPECT_EQ(ErrorCode(Prepare(false, false, nullptr, nullptr, true).data), 2);
}

TEST_F(DownloadErrorTest, PrepareDownloadWithoutAuthenticationIs4) {
  Challenge();
  EXPECT_EQ(ErrorCode(Prepare().data), 4);
}

TEST_F(DownloadErrorTest, PrepareDownloadOtherTransactionIs5) {
  ASSERT_EQ(Authenticate(Challenge()).sw, 0x9000);
  Bytes other = H("0102");
  EXPECT_EQ(ErrorCode(Prepare(false, false, nullptr, &other).data), 5);
}

TEST_F(DownloadErrorTest, PrepareDownloadHashCcMustMatchTheFlag) {
  ASSERT_EQ(Authenticate(Challenge()).sw, 0x9000);
  EXPECT_EQ(ErrorCode(Prepare(true, false).data), 127);  // required, absent
  ASSERT_EQ(Authenticate(Challenge()).sw, 0x9000);
  EXPECT_EQ(ErrorCode(Prepare(false, true).data), 127);  // present, not required
  ASSERT_EQ(Authenticate(Challenge()).sw, 0x9000);
  auto ok = Prepare(true, true);
  EXPECT_EQ(ErrorCode(ok.data), -1);
  // The card signs the hashCc it got.
  EXPECT_NE(ToHex(euicc_signed2_).find("0420" + ToHex(Bytes(32, 0x11))), std::string::npos);
}

TEST_F(DownloadErrorTest, BadSmdpSignIsInvalidSignatureAtInitialiseSecureChannel) {
  Handshake();
  BppOptions o;
  o.corrupt_smdp_sign = true;
  ExpectInstallError(Build(Metadata(kIccid), Package(), o), 0, 2);
}

TEST_F(DownloadErrorTest, BadSegmentMacIsSecurityError) {
  Handshake();
  BppOptions o;
  o.corrupt_mac_of_86 = 3;
  ExpectInstallError(Build(Metadata(kIccid), Package(), o), 5, 8);
}

TEST_F(DownloadErrorTest, SegmentOutOfOrderIsStructureError) {
  Handshake();
  Bpp bpp = Build(Metadata(kIccid), Package());
  std::swap(bpp.pieces[1], bpp.pieces[2]);  // the A1 header before the A0 with ConfigureISDP
  ExpectInstallError(bpp, 1, 7);
}

TEST_F(DownloadErrorTest, HeaderIccidOtherThanMetadataIs13) {
  Handshake();
  ExpectInstallError(Build(Metadata("89494499999999900310"), Package()), 5, 13);
}

TEST_F(DownloadErrorTest, IccidAlreadyOnTheCardIs9) {
  Handshake();
  ASSERT_EQ(InstallError(Load(Build(Metadata(kIccid), Package())).data).first, -1);
  profiles_before_ = 1;
  Handshake();
  ExpectInstallError(Build(Metadata(kIccid), Package()), 2, 9);
}

class NoMemoryTest : public DownloadErrorTest {
  void Adjust(nlohmann::json& doc) override { doc["euiccInfo2"]["extCardResource"]["freeNonVolatileMemory"] = 5000; }
};

TEST_F(NoMemoryTest, PackageLargerThanFreeMemoryIs10) {
  Handshake();
  ExpectInstallError(Build(Metadata(kIccid), Package()), 5, 10);
  EXPECT_EQ(ReadJson(state_path_)["euiccInfo2"]["extCardResource"]["freeNonVolatileMemory"], 5000);
}

class FailKnobTest : public DownloadErrorTest {
  VirtualEuicc::Options Options() override {
    VirtualEuicc::Options o;
    o.download_fail = *ParseDownloadFail("install:10");
    return o;
  }
};

TEST_F(FailKnobTest, InstallKnobAnswersTheChosenReason) {
  Handshake();
  ExpectInstallError(Build(Metadata(kIccid), Package()), 0, 10);
}

class AuthenticateKnobTest : public DownloadErrorTest {
  VirtualEuicc::Options Options() override {
    VirtualEuicc::Options o;
    o.download_fail = *ParseDownloadFail("authenticate:5");
    return o;
  }
};

TEST_F(AuthenticateKnobTest, AuthenticateKnobAnswersTheChosenCode) {
  EXPECT_EQ(ErrorCode(Authenticate(Challenge()).data), 5);
}

class LastSegmentLostTest : public DownloadErrorTest {
  VirtualEuicc::Options Options() override {
    VirtualEuicc::Options o;
    o.bpp_segment_answer = *ParseSegmentAnswer("last:none");
    return o;
  }
};

TEST_F(LastSegmentLostTest, ProfileIsInstalledButNoAnswerComes) {
  Handshake();
  Bpp bpp = Build(Metadata(kIccid), Package());
  for (size_t i = 0; i + 1 < bpp.pieces.size(); ++i) ASSERT_EQ(Es10(bpp.pieces[i]).sw, 0x9000);
  // The last piece in one extended APDU: the card executes it and returns no R-APDU.
  const Bytes& piece = bpp.pieces.back();
  Bytes apdu = {0x80, 0xE2, 0x91, 0x00, 0x00, static_cast<uint8_t>(piece.size() >> 8), static_cast<uint8_t>(piece.size())};
  apdu.insert(apdu.end(), piece.begin(), piece.end());
  EXPECT_TRUE(card_->Process(apdu).empty());
  EXPECT_EQ(ReadJson(state_path_)["profiles"].size(), 1u);
}

class Segment6FTest : public DownloadErrorTest {
  VirtualEuicc::Options Options() override {
    VirtualEuicc::Options o;
    o.bpp_segment_answer = *ParseSegmentAnswer("2:6F00");
    return o;
  }
};

TEST_F(Segment6FTest, ChosenSequenceIsAnswered6F00) {
  Handshake();
  Bpp bpp = Build(Metadata(kIccid), Package());
  EXPECT_EQ(Es10(bpp.pieces[0]).sw, 0x9000);
  EXPECT_EQ(Es10(bpp.pieces[1]).sw, 0x6F00);
  EXPECT_EQ(Es10(bpp.pieces[2]).sw, 0x9000);  // once only
}

TEST(DownloadKnobsTest, ParsesTheCommandLineForms) {
  auto fail = ParseDownloadFail("prepare:2");
  ASSERT_TRUE(fail.ok());
  EXPECT_EQ(fail->step, DownloadFail::Step::kPrepare);
  EXPECT_EQ(fail->code, 2);
  EXPECT_FALSE(ParseDownloadFail("load:2").ok());
  EXPECT_FALSE(ParseDownloadFail("install:").ok());
  auto answer = ParseSegmentAnswer("last:6F00");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->index, 0u);
  EXPECT_EQ(answer->sw, 0x6F00);
  answer = ParseSegmentAnswer("3:none");
  ASSERT_TRUE(answer.ok());
  EXPECT_EQ(answer->index, 3u);
  EXPECT_FALSE(answer->sw);
  EXPECT_FALSE(ParseSegmentAnswer("0:none").ok());
  EXPECT_FALSE(ParseSegmentAnswer("2:9000").ok());
}

}  // namespace
}  // namespace esim::vcard::testing
