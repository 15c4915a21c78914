// JSON views (asn1/json.h), result-code names, DescribeEs10 and RenderText.
#include <gtest/gtest.h>

#include "asn1/describe.h"
#include "asn1/es10_codec.h"
#include "asn1/json.h"
#include "tests/unit/asn1/test_util.h"

namespace esim::es10 {
namespace {

using esim::testing::Hex;
using nlohmann::json;

TEST(Json, ProfileInfoUsesMemberNamesAndEnumerationNames) {
  ProfileInfo profile;
  profile.iccid = "8944476500000123456";
  profile.isdpAid = Hex("a0000005591010ffffffff8900001000");
  profile.profileState = ProfileState::kEnabled;
  profile.profileNickname = "work";
  profile.serviceProviderName = "Example";
  profile.profileName = "Example 5G";
  profile.iconType = IconType::kPng;
  profile.icon = Hex("89504e47");
  profile.profileClass = ProfileClass::kOperational;
  profile.notificationConfigurationInfo =
      std::vector<NotificationConfigurationInformation>{{NotificationEvents{.deletion = true}, "smdp.example"}};
  profile.profilePolicyRules = ProfilePolicyRules{.ppr1 = true, .ppr2 = false};
  const json expected = json::parse(R"({
    "iccid": "8944476500000123456",
    "isdpAid": "A0000005591010FFFFFFFF8900001000",
    "profileState": "enabled",
    "profileNickname": "work",
    "serviceProviderName": "Example",
    "profileName": "Example 5G",
    "iconType": "png",
    "icon": "89504E47",
    "profileClass": "operational",
    "notificationConfigurationInfo": [
      {"profileManagementOperation": ["delete"], "notificationAddress": "smdp.example"}],
    "profilePolicyRules": ["ppr1"]
  })");
  EXPECT_EQ(ToJson(profile), expected);
}

TEST(Json, AbsentOptionalsAreOmitted) {
  EXPECT_EQ(ToJson(ProfileInfo{}), json::object());
  ProfileInfo test_profile;
  test_profile.profileClass = ProfileClass::kTest;
  test_profile.profileState = ProfileState::kDisabled;
  EXPECT_EQ(ToJson(test_profile).dump(), R"({"profileClass":"test","profileState":"disabled"})");
  EXPECT_EQ(ToJson(NotificationMetadata{0, NotificationEvents{.install = true}, "a", std::nullopt}).dump(),
            R"({"notificationAddress":"a","profileManagementOperation":["install"],"seqNumber":0})");
}

TEST(Json, ResultCodesAreSgp22Names) {
  EXPECT_EQ(ToJson(EnableProfileResponse{0})["enableResult"], "ok");
  EXPECT_EQ(ToJson(EnableProfileResponse{1})["enableResult"], "iccidOrAidNotFound");
  EXPECT_EQ(ToJson(EnableProfileResponse{4})["enableResult"], "wrongProfileReenabling");
  EXPECT_EQ(ToJson(DisableProfileResponse{2})["disableResult"], "profileNotInEnabledState");
  EXPECT_EQ(ToJson(DeleteProfileResponse{2})["deleteResult"], "profileNotInDisabledState");
  EXPECT_EQ(ToJson(DeleteProfileResponse{42})["deleteResult"], 42);  // no name: stays a number
  EXPECT_EQ(ToJson(SetNicknameResponse{1})["setNicknameResult"], "iccidNotFound");
  EXPECT_EQ(ToJson(EuiccMemoryResetResponse{1})["resetResult"], "nothingToDelete");
  EXPECT_EQ(ToJson(NotificationSentResponse{1})["deleteNotificationStatus"], "nothingToDelete");
  EXPECT_EQ(ToJson(GetProfilesInfoResponse{std::nullopt, 1})["profileInfoListError"], "incorrectInputValues");
  EXPECT_EQ(ToJson(ListNotificationResponse{std::nullopt, 127})["listNotificationsResultError"], "undefinedError");
  EXPECT_EQ(ToJson(CancelSessionRequest{Hex("01"), 1})["reason"], "postponed");

  EXPECT_EQ(EnableResultName(5), "catBusy");
  EXPECT_EQ(DisableResultName(3), "disallowedByPolicy");
  EXPECT_EQ(DeleteResultName(127), "undefinedError");
  EXPECT_EQ(ResultCodeName(0xBF2B, 1), "noResultAvailable");
  EXPECT_EQ(ResultCodeName(0xBF31, 99), "99");
  EXPECT_EQ(CancelSessionReasonName(127), "undefinedReason");
}

TEST(Json, EuiccInfo2VersionsBitsAndCategory) {
  EuiccInfo2 info;
  info.profileVersion = Hex("020300");
  info.svn = Hex("020202");
  info.euiccFirmwareVer = Hex("0A0B0C");
  info.extCardResource = Hex("810100");
  info.uiccCapability = Hex("6000");  // usimSupport, isimSupport
  info.rspCapability = Hex("10");     // testProfileSupport
  info.euiccCiPKIdListForVerification = {Hex("F54172BDF98A95D65CBEB88A38A1C11D800A85C3")};
  info.euiccCategory = 1;
  info.ppVersion = Hex("010000");
  info.sasAcreditationNumber = "SAS";
  const json out = ToJson(info);
  EXPECT_EQ(out["svn"], "2.2.2");
  EXPECT_EQ(out["euiccFirmwareVer"], "10.11.12");
  EXPECT_EQ(out["uiccCapability"], json({"usimSupport", "isimSupport"}));
  EXPECT_EQ(out["rspCapability"], json({"testProfileSupport"}));
  EXPECT_EQ(out["euiccCategory"], "basicEuicc");
  EXPECT_EQ(out["euiccCiPKIdListForVerification"][0], "F54172BDF98A95D65CBEB88A38A1C11D800A85C3");
  EXPECT_EQ(out["euiccCiPKIdListForSigning"], json::array());
  EXPECT_FALSE(out.contains("certificationDataObject"));
  EXPECT_EQ(ToJson(ParseExtCardResource(info.extCardResource))["installedApplications"], 0);
}

TEST(Describe, IdentifiesResponsesByTag) {
  auto described = DescribeEs10(Hex("BF2D14A012E3105A0A896700000000004523019F700101"));
  ASSERT_OK(described);
  EXPECT_EQ((*described)["message"], "ProfileInfoListResponse");
  EXPECT_EQ((*described)["direction"], "response");
  EXPECT_EQ((*described)["value"]["profileInfoListOk"][0]["iccid"], "98760000000000543210");
  EXPECT_EQ((*described)["value"]["profileInfoListOk"][0]["profileState"], "enabled");

  auto addresses = DescribeEs10(Hex("BF3C148008534D44502E434F4D8108736D64732E636F6D"));
  ASSERT_OK(addresses);
  EXPECT_EQ((*addresses)["message"], "EuiccConfiguredAddressesResponse");
  EXPECT_EQ((*addresses)["value"]["defaultDpAddress"], "SMDP.COM");
}

TEST(Describe, AutoFallsBackToTheRequest) {
  auto request = DescribeEs10(Hex("BF330C5A0A89670000000000452301"));
  ASSERT_OK(request);
  EXPECT_EQ((*request)["message"], "DeleteProfileRequest");
  EXPECT_EQ((*request)["direction"], "request");
  EXPECT_EQ((*request)["value"]["iccid"], "98760000000000543210");

  auto cancel = DescribeEs10(Hex("BF41088003A1B2C3810101"));
  ASSERT_OK(cancel);
  EXPECT_EQ((*cancel)["message"], "CancelSessionRequest");
  EXPECT_EQ((*cancel)["value"]["reason"], "postponed");

  // BF28 { 81 02 04 30 } is a filter request, but also reads as the error
  // alternative of the response (listNotificationsResultError 1072): kAuto
  // prefers the response, so a request needs kRequest.
  auto list = DescribeEs10(Hex("BF280481020430"), Direction::kRequest);
  ASSERT_OK(list);
  EXPECT_EQ((*list)["message"], "ListNotificationRequest");
  EXPECT_EQ((*list)["value"]["profileManagementOperation"], json({"disable", "delete"}));
  EXPECT_EQ(DescribeEs10(Hex("BF280481020430")).value()["message"], "ListNotificationResponse");

  auto info1 = DescribeEs10(Hex("BF2000"));
  ASSERT_OK(info1);
  EXPECT_EQ((*info1)["message"], "GetEuiccInfo1Request");
}

TEST(Describe, ExplicitDirection) {
  // BF30 { 80 01 00 } is both NotificationSentRequest(seq 0) and its response (ok).
  const Bytes der = Hex("BF3003800100");
  EXPECT_EQ(DescribeEs10(der, Direction::kAuto).value()["message"], "NotificationSentResponse");
  EXPECT_EQ(DescribeEs10(der, Direction::kRequest).value()["message"], "NotificationSentRequest");
  EXPECT_EQ(DescribeEs10(der, Direction::kRequest).value()["value"]["seqNumber"], 0);
  // A response that is not one fails in the response direction.
  EXPECT_FALSE(DescribeEs10(Hex("BF330C5A0A89670000000000452301"), Direction::kResponse).ok());
}

TEST(Describe, RejectsUnknownAndBrokenInput) {
  auto unknown = DescribeEs10(Hex("BF7F00"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().code(), ErrorCode::kMalformedResponse);
  EXPECT_FALSE(DescribeEs10(Bytes{}).ok());
  // Android's out-of-order ListNotification: reported, not shown without events.
  auto out_of_order = DescribeEs10(Hex(
      "BF282BA029BF2F118001010C08736D64702E636F6D81020410BF2F128001020C09736D6470322E636F6D81020420"));
  ASSERT_FALSE(out_of_order.ok());
  EXPECT_NE(out_of_order.status().message().find("profileManagementOperation: out of ASN.1 order"),
            std::string::npos)
      << out_of_order.status().message();
  // Explicitly as a request it is a (strange) request whose unknown A0 is skipped.
  EXPECT_TRUE(DescribeEs10(Hex("BF2802A000"), Direction::kRequest).ok());
}

TEST(Describe, RenderTextIndentsNameValueLines) {
  auto described = DescribeEs10(Hex("BF2D14A012E3105A0A896700000000004523019F700101"));
  ASSERT_OK(described);
  EXPECT_EQ(RenderText(*described),
            "direction: response\n"
            "message: ProfileInfoListResponse\n"
            "value:\n"
            "  profileInfoListOk:\n"
            "    -\n"
            "      iccid: 98760000000000543210\n"
            "      profileState: enabled\n");
  EXPECT_EQ(RenderText(json{{"events", {"enable", "delete"}}, {"empty", json::array()}, {"n", 3}}),
            "empty: []\nevents: enable, delete\nn: 3\n");
}

}  // namespace
}  // namespace esim::es10
