// Profile download against the virtual eUICC with the SGP.26 identity: a whole download of a
// TS.48 package (segment by segment and in one piece), what it leaves in the state file, the
// install notification, CancelSession, and the session rules.
#include "asn1/es10_codec.h"
#include "common/certificate_checks.h"
#include "common/raw_ecdsa.h"
#include "tests/unit/vcard/download_test_util.h"
#include "vcard/card_state.h"

namespace esim::vcard::testing {
namespace {

constexpr const char* kTs48Iccid = "8949449999999990023";

class DownloadTest : public DownloadFixture {};

TEST_F(DownloadTest, DownloadsTs48PackageSegmentBySegment) {
  Handshake();
  // euiccSignature1/2 verify under the SGP.26 eUICC certificate (what an SM-DP+ checks).
  EXPECT_TRUE(euicc_->Verify(euicc_signed1_, ByteView(euicc_signature1_).subspan(3)));
  EXPECT_TRUE(euicc_->Verify(Cat({euicc_signed2_, smdp_signature2_}), euicc_signature2_));
  Bytes package = ReadBytes(Ts48("TS48V1-A-UNIQUE.der"));
  ASSERT_EQ(package.size(), 11768u);
  Bpp bpp = Build(Metadata(kTs48Iccid), package);
  // Every piece before the last 86 is answered 9000 without data.
  for (size_t i = 0; i + 1 < bpp.pieces.size(); ++i) {
    auto r = Es10(bpp.pieces[i]);
    ASSERT_EQ(r.sw, 0x9000) << "piece " << i;
    ASSERT_TRUE(r.data.empty()) << "piece " << i << ": " << ToHex(r.data);
  }
  auto last = Es10(bpp.pieces.back());
  ASSERT_EQ(last.sw, 0x9000);
  ASSERT_GE(last.data.size(), 4u);
  EXPECT_EQ(last.data[0], 0xBF);
  EXPECT_EQ(last.data[1], 0x37);
  EXPECT_EQ(InstallError(last.data), std::make_pair(int64_t{-1}, int64_t{-1})) << ToHex(last.data);
  // euiccSignPIR covers the BF27 DER.
  auto bf37 = Children(last.data);
  ASSERT_EQ(bf37.size(), 2u);
  EXPECT_TRUE(euicc_->Verify(bf37[0].whole, bf37[1].value));
  // The success result carries the new ISD-P AID and a SAIP EUICCResponse.
  auto data = der::ReadChildren(bf37[0].value);
  auto result = der::Find(*data, 0xA2);
  ASSERT_TRUE(result);
  EXPECT_NE(ToHex(result->value).find("04093007A0053003800100"), std::string::npos) << ToHex(result->value);

  // The profile persists, disabled, with StoreMetadata's values; memory went down.
  auto doc = ReadJson(state_path_);
  ASSERT_EQ(doc["profiles"].size(), 1u);
  const auto& p = doc["profiles"][0];
  EXPECT_EQ(p["iccid"], kTs48Iccid);
  EXPECT_EQ(p["state"], "disabled");
  EXPECT_EQ(p["serviceProviderName"], "GSMA");
  EXPECT_EQ(p["profileName"], "TS.48 A");
  EXPECT_EQ(p["profileClass"], "test");
  EXPECT_EQ(p["iconType"], "png");
  EXPECT_TRUE(p["profilePolicyRules"]["ppr1"].get<bool>());
  EXPECT_EQ(p["notificationConfigurationInfo"][0]["address"], "testsmdpplus1.example.com");
  EXPECT_EQ(doc["euiccInfo2"]["extCardResource"]["freeNonVolatileMemory"], 412528 - 11768);
  EXPECT_FALSE(doc.contains("loadInProgress"));
  // The install notification is pending, listed like the others, and retrieved as the BF37.
  ASSERT_EQ(doc["notifications"].size(), 1u);
  EXPECT_EQ(doc["notifications"][0]["event"], "install");
  EXPECT_EQ(doc["notifications"][0]["address"], address_);
  EXPECT_EQ(doc["notifications"][0]["profileInstallationResult"], ToHex(last.data));
  auto list = Es10("BF2800");
  EXPECT_NE(ToHex(list.data).find("0C19" + ToHex(Bytes(address_.begin(), address_.end()))), std::string::npos);
  auto retrieved = Es10("BF2B00");
  EXPECT_EQ(ToHex(retrieved.data), ToHex(der::Wrap(0xBF2B, der::Wrap(0xA0, last.data))));
  // The LPA's own decoder (asn1/, a separate codebase from the card's DER) reads it as SGP.22 says.
  auto decoded = es10::Decode<es10::RetrieveNotificationsListResponse>(retrieved.data);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  ASSERT_TRUE(decoded->notificationList && decoded->notificationList->size() == 1);
  const auto& pending = decoded->notificationList->front();
  ASSERT_TRUE(std::holds_alternative<es10::ProfileInstallationResult>(pending.value));
  const auto& pir = std::get<es10::ProfileInstallationResult>(pending.value);
  EXPECT_TRUE(pir.success);
  EXPECT_EQ(pir.transactionId, tid_);
  EXPECT_EQ(pir.smdpOid, "2.999.10");
  EXPECT_EQ(pir.notificationMetadata.iccid, std::optional<std::string>(kTs48Iccid));
  EXPECT_TRUE(pir.notificationMetadata.profileManagementOperation.install);
  EXPECT_EQ(ToHex(*pir.successAid), doc["profiles"][0]["isdpAid"].get<std::string>());
  EXPECT_EQ(p["packageSize"], 11768);
  // Reloading (a new run) shows the same profile through GetProfilesInfo.
  Reload();
  SelectIsdr();
  auto profiles = Es10("BF2D00");
  EXPECT_NE(ToHex(profiles.data).find(ToHex(*IccidToBcd(kTs48Iccid))), std::string::npos);
  // Deleting it gives the memory back.
  Bytes bcd = *IccidToBcd(kTs48Iccid);
  auto deleted = Es10(der::Wrap(0xBF33, der::Wrap(0x5A, bcd)));
  EXPECT_EQ(ToHex(deleted.data), "BF3303800100");
  EXPECT_EQ(ReadJson(state_path_)["euiccInfo2"]["extCardResource"]["freeNonVolatileMemory"], 412528);
}

TEST_F(DownloadTest, AcceptsTheWholeBf36AtOnceWithoutReplaceSessionKeys) {
  Handshake();
  Bytes package = ReadBytes(Ts48("TS48V2-SAIP2-1-BERTLV-UNIQUE.der"));
  ASSERT_GT(package.size(), 12000u);
  // The ICCID of this package's header, in StoreMetadata's form.
  ByteView stream = package;
  auto header = der::ReadTlv(stream);
  ASSERT_TRUE(header.ok());
  auto members = der::ReadChildren(header->value);
  ASSERT_TRUE(members.ok());
  auto iccid = der::Find(*members, 0x83);
  ASSERT_TRUE(iccid);
  std::string digits;
  for (uint8_t b : iccid->value) {
    for (int n : {b >> 4, b & 0x0F}) if (n != 0xF) digits.push_back(static_cast<char>('0' + n));
  }
  BppOptions o;
  o.replace_session_keys = false;
  Bpp bpp = Build(Metadata(digits), package, o);
  auto r = Es10(bpp.Whole());
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_EQ(InstallError(r.data), std::make_pair(int64_t{-1}, int64_t{-1})) << ToHex(r.data);
  auto doc = ReadJson(state_path_);
  ASSERT_EQ(doc["profiles"].size(), 1u);
  EXPECT_EQ(doc["profiles"][0]["iccid"], digits);
}

TEST_F(DownloadTest, CancelSessionAnswerIsSignedByTheEuicc) {
  Bytes challenge = Challenge();
  ASSERT_EQ(Authenticate(challenge).sw, 0x9000);
  // A transactionId the card does not know: invalidTransactionId.
  auto wrong = Es10(der::Wrap(0xBF41, Cat({der::Wrap(0x80, H("99")), der::Wrap(0x81, Bytes{0x01})})));
  EXPECT_EQ(ToHex(wrong.data), "BF4103810105");
  auto r = Es10(der::Wrap(0xBF41, Cat({der::Wrap(0x80, tid_), der::Wrap(0x81, Bytes{0x01})})));
  ASSERT_EQ(r.sw, 0x9000);
  auto ok = Children(r.data);
  ASSERT_EQ(ok.size(), 1u);
  ASSERT_EQ(ok[0].tag, 0xA0u);
  auto parts = der::ReadChildren(ok[0].value);
  ASSERT_TRUE(parts.ok() && parts->size() == 2);
  // 30 { 80 transactionId, 81 smdpOid 2.999.10, 82 reason postponed }
  EXPECT_EQ(ToHex((*parts)[0].whole), "3012" "8008" + ToHex(tid_) + "810388370A" "820101");
  EXPECT_TRUE(euicc_->Verify((*parts)[0].whole, (*parts)[1].value));
  auto decoded = es10::Decode<es10::CancelSessionResponse>(r.data);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_TRUE(decoded->cancelSessionResponseOk);
  // The session is gone: preparing now has no session context.
  EXPECT_EQ(ErrorCode(Prepare().data), 4);
}

TEST_F(DownloadTest, NewChallengeDiscardsTheSession) {
  Bytes challenge = Challenge();
  ASSERT_EQ(Authenticate(challenge).sw, 0x9000);
  Challenge();
  EXPECT_EQ(ErrorCode(Prepare().data), 4);  // noSessionContext
  // And the old challenge no longer authenticates against a new one.
  Bytes fresh = Challenge();
  ASSERT_NE(fresh, challenge);
  EXPECT_EQ(ErrorCode(Authenticate(challenge).data), 6);  // euiccChallengeMismatch
  EXPECT_EQ(ErrorCode(Authenticate(Challenge()).data), -1);
}

TEST_F(DownloadTest, ResetDuringTheLoadLeavesNoProfileAndReportsInterruption) {
  Handshake();
  Bpp bpp = Build(Metadata(kTs48Iccid), ReadBytes(Ts48("TS48V1-A-UNIQUE.der")));
  for (size_t i = 0; i < 5; ++i) ASSERT_EQ(Es10(bpp.pieces[i]).sw, 0x9000);
  EXPECT_TRUE(ReadJson(state_path_).contains("loadInProgress"));
  card_->Reset();
  SelectIsdr();
  auto doc = ReadJson(state_path_);
  EXPECT_TRUE(doc["profiles"].empty());
  EXPECT_FALSE(doc.contains("loadInProgress"));
  ASSERT_EQ(doc["notifications"].size(), 1u);
  Bytes bf37 = *FromHex(doc["notifications"][0]["profileInstallationResult"].get<std::string>());
  EXPECT_EQ(InstallError(bf37).second, 11);  // installFailedDueToInterruption
  auto c = Children(bf37);
  EXPECT_TRUE(euicc_->Verify(c[0].whole, c[1].value));
  // The rest of the package finds no session.
  EXPECT_NE(Es10(bpp.pieces[5]).sw, 0x9000);
}

TEST_F(DownloadTest, LoadInterruptedByAKilledProcessIsReportedAtTheNextRun) {
  Handshake();
  Bpp bpp = Build(Metadata(kTs48Iccid), ReadBytes(Ts48("TS48V1-A-UNIQUE.der")));
  ASSERT_EQ(Es10(bpp.pieces[0]).sw, 0x9000);
  auto copy = ReadJson(state_path_);  // the file as a killed process leaves it
  card_.reset();
  WriteJson(state_path_, copy);
  Reload();
  auto doc = ReadJson(state_path_);
  EXPECT_TRUE(doc["profiles"].empty());
  ASSERT_EQ(doc["notifications"].size(), 1u);
  EXPECT_EQ(InstallError(*FromHex(doc["notifications"][0]["profileInstallationResult"].get<std::string>())).second, 11);
}

// The other identity: the default card, signing with the CI -> EUM -> eUICC chain it makes itself,
// trusting the SGP.26 CI for the SM-DP+ side.
class DemoChainDownloadTest : public DownloadFixture {
  void Adjust(nlohmann::json& doc) override {
    auto demo = ReadJson(DefaultStatePath());
    demo["trustedCiCertificates"] = doc["trustedCiCertificates"];
    demo["profiles"] = nlohmann::json::array();
    demo["notifications"] = nlohmann::json::array();
    doc = demo;
  }
};

TEST_F(DemoChainDownloadTest, DownloadsWithTheGeneratedEuiccChain) {
  Handshake();
  // The card presented its own eUICC certificate (serialNumber = its EID), not the SGP.26 one.
  EXPECT_NE(euicc_certificate_, ReadBytes(Sgp26Dir() + "/CERT_EUICC_ECDSA_NIST.der"));
  EXPECT_NE(ToHex(euicc_certificate_).find(ToHex(Bytes(eid_.begin(), eid_.end()))), std::string::npos);
  EXPECT_FALSE(euicc_->Verify(euicc_signed1_, ByteView(euicc_signature1_).subspan(3)));
  auto cert = certs::ParseDer(euicc_certificate_);
  ASSERT_TRUE(cert.ok());
  auto key = certs::PublicKey(cert->get());
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(VerifyRawEcdsaSha256(key->get(), euicc_signed1_, ByteView(euicc_signature1_).subspan(3)));
  auto r = Load(Build(Metadata(kTs48Iccid), ReadBytes(Ts48("TS48V1-A-UNIQUE.der"))));
  ASSERT_EQ(r.sw, 0x9000);
  EXPECT_EQ(InstallError(r.data).first, -1) << ToHex(r.data);
  EXPECT_EQ(ReadJson(state_path_)["profiles"].size(), 1u);
}

TEST(Sgp26StateTest, LoadsInPlaceWithTheSgp26Identity) {
  VirtualEuicc::Options options;
  options.persist = false;
  auto state = LoadState(std::string(ESIM_SOURCE_DIR) + "/tests/data/sgp26-state.json");
  ASSERT_TRUE(state.ok()) << state.status().message();
  EXPECT_EQ(state->eid, kSgp26Eid);
  ASSERT_EQ(state->trusted_ci_certificates.size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(state->trusted_ci_certificates[0])) << state->trusted_ci_certificates[0];
  ASSERT_TRUE(state->credentials);
  EXPECT_TRUE(std::filesystem::exists(state->credentials->euicc_key));
  EXPECT_EQ(ToHex(state->info2.euiccCiPKIdListForVerification.at(0)), ToHex(kSgp26CiId));
}

}  // namespace
}  // namespace esim::vcard::testing
