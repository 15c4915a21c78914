// Every request and response type both ways: encode -> decode -> encode gives the
// same DER and the same model (compared through its JSON view), plus exact bytes
// for the messages whose DER is easy to state.
#include <gtest/gtest.h>

#include "asn1/es10_codec.h"
#include "asn1/json.h"
#include "tests/unit/asn1/test_util.h"

namespace esim::es10 {
namespace {

using esim::testing::Hex;
using esim::testing::Tlv;

// Encodes, decodes and re-encodes `message`; returns the DER.
template <typename Message>
Bytes RoundTrip(const Message& message) {
  Result<Bytes> der = Encode(message);
  EXPECT_TRUE(der.ok()) << der.status().message();
  if (!der.ok()) return {};
  Result<Message> decoded = Decode<Message>(*der);
  EXPECT_TRUE(decoded.ok()) << decoded.status().message() << " in " << ToHex(*der);
  if (!decoded.ok()) return {};
  EXPECT_EQ(ToJson(*decoded).dump(), ToJson(message).dump());
  Result<Bytes> again = Encode(*decoded);
  EXPECT_TRUE(again.ok());
  if (again.ok()) {
    EXPECT_EQ(ToHex(*again), ToHex(*der));
  }
  return *der;
}

ProfileInfo FullProfile() {
  ProfileInfo profile;
  profile.iccid = "8944476500000123456";
  profile.isdpAid = Hex("A0000005591010FFFFFFFF8900001000");
  profile.profileState = ProfileState::kDisabled;
  profile.profileNickname = "work";
  profile.serviceProviderName = "Example Telecom";
  profile.profileName = "Example 5G";
  profile.iconType = IconType::kPng;
  profile.icon = Hex("89504E470D0A1A0A");
  profile.profileClass = ProfileClass::kTest;
  profile.notificationConfigurationInfo = std::vector<NotificationConfigurationInformation>{
      {NotificationEvents{.install = true, .enable = true}, "smdp.example.com"},
      {NotificationEvents{.deletion = true}, "delete.example.com"}};
  profile.profileOwner = OperatorId{Hex("214365"), Hex("01"), std::nullopt};
  profile.dpProprietaryData = Hex("B80B80052B06010401" "04029000");  // dpOid + SM-DP+ data
  profile.profilePolicyRules = ProfilePolicyRules{.ppr1 = false, .ppr2 = true};
  profile.serviceSpecificData = Hex("BF220C300A8003883701A103040100");
  return profile;
}

TEST(RoundTrip, ProfileInfoWithEveryMember) {
  const ProfileInfo profile = FullProfile();
  Bytes der = RoundTrip(profile);
  auto decoded = Decode<ProfileInfo>(der);
  ASSERT_OK(decoded);
  EXPECT_EQ(*decoded, profile);
  // Members in ASN.1 order with their tags; profilePolicyRules ppr2 alone = 99 02 05 20.
  const std::string hex = ToHex(der);
  EXPECT_EQ(hex.substr(0, 2), "E3");
  EXPECT_NE(hex.find("9F700100"), std::string::npos);
  EXPECT_NE(hex.find("930101"), std::string::npos);
  EXPECT_NE(hex.find("950100"), std::string::npos);
  EXPECT_NE(hex.find("99020520"), std::string::npos);
  EXPECT_NE(hex.find("B7088003214365810101"), std::string::npos) << hex;
  EXPECT_LT(hex.find("5A0A"), hex.find("4F10"));
  EXPECT_LT(hex.find("B6"), hex.find("B7"));
  // Opaque members come back byte for byte.
  EXPECT_NE(hex.find("B80B80052B0601040104029000"), std::string::npos) << hex;
}

TEST(RoundTrip, GetProfilesInfoRequests) {
  EXPECT_EQ(ToHex(RoundTrip(GetProfilesInfoRequest{})), "BF2D00");
  EXPECT_EQ(ToHex(RoundTrip(GetProfilesInfoRequest{std::nullopt, Hex("5A4F9F70909192950A")})),
            "BF2D0B5C095A4F9F70909192950A");
  // searchCriteria [0] CHOICE: A0 wraps the alternative.
  EXPECT_EQ(ToHex(RoundTrip(GetProfilesInfoRequest{Iccid("98760000000000543210"), std::nullopt})),
            "BF2D0EA00C5A0A89670000000000452301");
  EXPECT_EQ(ToHex(RoundTrip(GetProfilesInfoRequest{IsdpAid{Hex("A0000005591010FFFFFFFF8900001000")},
                                                   std::nullopt})),
            "BF2D14A0124F10A0000005591010FFFFFFFF8900001000");
  EXPECT_EQ(ToHex(RoundTrip(GetProfilesInfoRequest{ProfileClass::kOperational, Hex("5A")})),
            "BF2D08A0039501025C015A");
}

TEST(RoundTrip, GetProfilesInfoResponses) {
  RoundTrip(GetProfilesInfoResponse{std::vector<ProfileInfo>{FullProfile(), ProfileInfo{}}, std::nullopt});
  EXPECT_EQ(ToHex(RoundTrip(GetProfilesInfoResponse{std::vector<ProfileInfo>{}, std::nullopt})), "BF2D02A000");
  EXPECT_EQ(ToHex(RoundTrip(GetProfilesInfoResponse{std::nullopt, 127})), "BF2D0381017F");
  EXPECT_EQ(Encode(GetProfilesInfoResponse{}).status().code(), ErrorCode::kInvalidInput);
}

TEST(RoundTrip, EnableDisableDelete) {
  EXPECT_EQ(ToHex(RoundTrip(EnableProfileRequest{Iccid("98760000000000543210"), false})),
            "BF3111A00C5A0A89670000000000452301810100");
  EXPECT_EQ(ToHex(RoundTrip(EnableProfileRequest{IsdpAid{Hex("A0000005591010FFFFFFFF8900001000")}, true})),
            "BF3117A0124F10A0000005591010FFFFFFFF89000010008101FF");
  EXPECT_EQ(ToHex(RoundTrip(DisableProfileRequest{Iccid("98760000000000543210"), false})),
            "BF3211A00C5A0A89670000000000452301810100");
  EXPECT_EQ(ToHex(RoundTrip(DeleteProfileRequest{IsdpAid{Hex("A0000005591010FFFFFFFF8900001000")}})),
            "BF33124F10A0000005591010FFFFFFFF8900001000");
  EXPECT_EQ(ToHex(RoundTrip(EnableProfileResponse{2})), "BF3103800102");
  EXPECT_EQ(ToHex(RoundTrip(DisableProfileResponse{127})), "BF320380017F");
  EXPECT_EQ(ToHex(RoundTrip(DeleteProfileResponse{3})), "BF3303800103");
  // An AID longer than 16 bytes violates OctetTo16.
  EXPECT_EQ(Encode(DeleteProfileRequest{IsdpAid{Bytes(17, 0xA0)}}).status().code(), ErrorCode::kInvalidInput);
}

TEST(RoundTrip, SetNickname) {
  EXPECT_EQ(ToHex(RoundTrip(SetNicknameRequest{"98760000000000543210", "Travel"})),
            ToHex(Tlv("BF29", {Hex("5A0A89670000000000452301"), Tlv("90", {Hex("54726176656C")})})));
  RoundTrip(SetNicknameRequest{"98760000000000543210", ""});
  EXPECT_EQ(ToHex(RoundTrip(SetNicknameResponse{1})), "BF2903800101");
  EXPECT_EQ(Encode(SetNicknameRequest{"98760000000000543210", std::string(65, 'x')}).status().code(),
            ErrorCode::kInvalidInput);
  EXPECT_TRUE(Encode(SetNicknameRequest{"98760000000000543210", std::string(64, 'x')}).ok());
}

TEST(RoundTrip, EuiccMemoryReset) {
  EXPECT_EQ(ToHex(RoundTrip(EuiccMemoryResetRequest{true, true, true})), "BF340482020" "5E0");
  EXPECT_EQ(ToHex(RoundTrip(EuiccMemoryResetRequest{true, false, false})), "BF340482020780");
  EXPECT_EQ(ToHex(RoundTrip(EuiccMemoryResetRequest{false, false, true})), "BF340482020520");
  EXPECT_EQ(ToHex(RoundTrip(EuiccMemoryResetResponse{1})), "BF3403800101");
}

TEST(RoundTrip, AddressesAndRat) {
  EXPECT_EQ(ToHex(RoundTrip(GetEuiccConfiguredAddressesRequest{})), "BF3C00");
  EXPECT_EQ(ToHex(RoundTrip(EuiccConfiguredAddressesResponse{std::nullopt, "lpa.ds.gsma.com"})),
            "BF3C11810F6C70612E64732E67736D612E636F6D");
  EXPECT_EQ(ToHex(RoundTrip(SetDefaultDpAddressRequest{"smdp.io"})), "BF3F098007736D64702E696F");
  EXPECT_EQ(ToHex(RoundTrip(SetDefaultDpAddressResponse{0})), "BF3F03800100");
  EXPECT_EQ(ToHex(RoundTrip(GetRatRequest{})), "BF4300");
  RulesAuthorisationTable rat;
  rat.rat.push_back({Hex("60"), {OperatorId{Hex("21F354"), std::nullopt, std::nullopt},
                                 OperatorId{Hex("EEEEEE"), Hex("AA"), Hex("BB")}},
                     Hex("80")});
  rat.rat.push_back({Hex("40"), {}, Bytes{}});
  Bytes der = RoundTrip(rat);
  ASSERT_GT(der.size(), 4u);
  EXPECT_EQ(ToHex(ByteView(der).first(2)), "BF43");
  EXPECT_EQ(der[3], 0xA0);  // rat [0] SEQUENCE OF, implicit
  EXPECT_NE(ToHex(der).find("80020560" "A1"), std::string::npos) << ToHex(der);  // ppr1+ppr2: 05 60
}

TEST(RoundTrip, EuiccInfo1And2) {
  EXPECT_EQ(ToHex(RoundTrip(GetEuiccInfo1Request{})), "BF2000");
  EXPECT_EQ(ToHex(RoundTrip(GetEuiccInfo2Request{})), "BF2200");
  EuiccInfo1 info1{Hex("020202"), {Hex("F54172BDF98A95D65CBEB88A38A1C11D800A85C3")}, {}};
  EXPECT_EQ(ToHex(RoundTrip(info1)),
            "BF201F820302020" "2A9160414F54172BDF98A95D65CBEB88A38A1C11D800A85C3AA00");

  EuiccInfo2 info2;
  info2.profileVersion = Hex("020300");
  info2.svn = Hex("020202");
  info2.euiccFirmwareVer = Hex("0A0B0C");
  info2.extCardResource = Hex("810100820400019A28");
  info2.uiccCapability = Hex("067FF6");
  info2.ts102241Version = Hex("090200");
  info2.rspCapability = Hex("70");
  info2.euiccCiPKIdListForVerification = {Hex("F54172BDF98A95D65CBEB88A38A1C11D800A85C3")};
  info2.euiccCiPKIdListForSigning = {Hex("F54172BDF98A95D65CBEB88A38A1C11D800A85C3")};
  info2.euiccCategory = 2;
  info2.forbiddenProfilePolicyRules = Hex("40");
  info2.ppVersion = Hex("010000");
  info2.sasAcreditationNumber = "GI-BA-UP-0419";
  info2.platformLabel = "1.2.840.1234567/myPlatformLabel";
  info2.discoveryBaseURL = "https://myDLOAregistrar.example";
  Bytes der = RoundTrip(info2);
  const std::string hex = ToHex(der);
  EXPECT_EQ(hex.substr(0, 4), "BF22");
  EXPECT_NE(hex.find("8103020300820302020283030A0B0C8409810100820400019A28"), std::string::npos) << hex;
  EXPECT_NE(hex.find("850401067FF6"), std::string::npos) << "uiccCapability 06 7F F6: 1 unused bit";
  EXPECT_NE(hex.find("88020470"), std::string::npos) << hex;  // rspCapability bits 1-3
  EXPECT_NE(hex.find("8B0102"), std::string::npos) << hex;
  EXPECT_NE(hex.find("99020640"), std::string::npos) << hex;
  EXPECT_NE(hex.find("0403010000" "0C0D"), std::string::npos) << hex;
  EXPECT_NE(hex.find("AC42801F"), std::string::npos) << hex;  // certificationDataObject [12]: 80, 81

  EuiccInfo2 minimal = info2;
  minimal.ts102241Version.reset();
  minimal.euiccCategory.reset();
  minimal.forbiddenProfilePolicyRules.reset();
  minimal.platformLabel.reset();
  minimal.discoveryBaseURL.reset();
  minimal.euiccCiPKIdListForSigning.clear();
  RoundTrip(minimal);
}

TEST(RoundTrip, ListNotification) {
  ListNotificationResponse response;
  response.notificationMetadataList = std::vector<NotificationMetadata>{
      {0, NotificationEvents{.install = true}, "smdp.example.com", "8944476500000123456"},
      {1926, NotificationEvents{.deletion = true}, "smdp.example.com", std::nullopt}};
  RoundTrip(response);
  EXPECT_EQ(ToHex(RoundTrip(ListNotificationResponse{std::nullopt, 127})), "BF280381017F");
  EXPECT_EQ(ToHex(RoundTrip(ListNotificationResponse{std::vector<NotificationMetadata>{}, std::nullopt})),
            "BF2802A000");
}

TEST(RoundTrip, RetrieveNotificationsListRequests) {
  EXPECT_EQ(ToHex(RoundTrip(RetrieveNotificationsListRequest{})), "BF2B00");
  // searchCriteria is always wrapped in A0 (a bare 80 gets error 127 on real cards).
  EXPECT_EQ(ToHex(RoundTrip(RetrieveNotificationsListRequest{int64_t{5}})), "BF2B05A003800105");
  EXPECT_EQ(ToHex(RoundTrip(RetrieveNotificationsListRequest{int64_t{300}})), "BF2B06A0048002012C");
  EXPECT_EQ(ToHex(RoundTrip(RetrieveNotificationsListRequest{NotificationEvents{.enable = true}})),
            "BF2B06A00481020640");
}

TEST(RoundTrip, NotificationSentAndCancelSession) {
  EXPECT_EQ(ToHex(RoundTrip(NotificationSentRequest{0})), "BF3003800100");
  EXPECT_EQ(ToHex(RoundTrip(NotificationSentResponse{1})), "BF3003800101");
  EXPECT_EQ(ToHex(RoundTrip(CancelSessionRequest{Hex("00112233445566778899AABBCCDDEEFF"), 127})),
            "BF4115801000112233445566778899AABBCCDDEEFF81017F");
  EXPECT_EQ(ToHex(RoundTrip(CancelSessionResponse{std::nullopt, 5})), "BF4103810105");
  // The ok alternative keeps the signed structure as SEQUENCE DER:
  // 30 { 30 { 80 transactionId, 81 smdpOid, 82 reason }, 5F37 signature }.
  const Bytes ok = Tlv("30", {Tlv("30", {Hex("8003A1B2C3"), Hex("81032B0601"), Hex("820101")}), Tlv("5F37", {Bytes(64, 0x5A)})});
  Bytes der = RoundTrip(CancelSessionResponse{ok, std::nullopt});
  const Bytes ok_content(ok.begin() + 2, ok.end());  // [0] IMPLICIT replaces the 30 tag
  EXPECT_EQ(ToHex(der), ToHex(Tlv("BF41", {Tlv("A0", {ok_content})})));
  auto decoded = Decode<CancelSessionResponse>(der);
  ASSERT_OK(decoded);
  EXPECT_EQ(decoded->cancelSessionResponseOk, ok);
  EXPECT_EQ(Encode(CancelSessionResponse{Hex("3000"), std::nullopt}).status().code(), ErrorCode::kInvalidInput);
  // transactionId is 1..16 bytes.
  EXPECT_EQ(Encode(CancelSessionRequest{Bytes(17, 1), 1}).status().code(), ErrorCode::kInvalidInput);
}

}  // namespace
}  // namespace esim::es10
