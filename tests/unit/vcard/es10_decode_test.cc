// Cross-check: requests built with the project's codec (es10::Encode), answers decoded
// with it (es10::Decode). The card parses and encodes with its own DER code, so these
// tests catch disagreements between the two implementations.
#include "asn1/es10_codec.h"
#include "tests/unit/vcard/vcard_test_util.h"

namespace esim::vcard::testing {
namespace {

class Es10DecodeTest : public CardFixture {
 protected:
  void SetUp() override {
    CardFixture::SetUp();
    ASSERT_EQ(SelectIsdr(), 0x9000);
  }
  template <typename Response, typename Request>
  Response Call(const Request& request) {
    auto der = es10::Encode(request);
    EXPECT_TRUE(der.ok()) << der.status().message();
    if (!der.ok()) return Response{};
    auto r = Es10(*der);
    EXPECT_EQ(r.sw, 0x9000);
    auto decoded = es10::Decode<Response>(r.data);
    EXPECT_TRUE(decoded.ok()) << decoded.status().message() << "\n" << ToHex(r.data);
    return decoded.ok() ? *decoded : Response{};
  }
};

TEST_F(Es10DecodeTest, GetEid) {
  auto r = Call<es10::GetEuiccDataResponse>(es10::GetEuiccDataRequest{});
  EXPECT_EQ(r.eidValue, "89049032000000000000000012345644");
  EXPECT_TRUE(es10::IsValidEid(r.eidValue));
}

TEST_F(Es10DecodeTest, EuiccInfo1And2) {
  auto info1 = Call<es10::EuiccInfo1>(es10::GetEuiccInfo1Request{});
  EXPECT_EQ(ToHex(info1.svn), "020202");
  EXPECT_EQ(info1.euiccCiPKIdListForVerification.size(), 2u);
  auto info2 = Call<es10::EuiccInfo2>(es10::GetEuiccInfo2Request{});
  EXPECT_EQ(ToHex(info2.profileVersion), "020301");
  EXPECT_EQ(ToHex(info2.euiccFirmwareVer), "040600");
  auto ext = es10::ParseExtCardResource(info2.extCardResource);
  EXPECT_EQ(ext.freeNonVolatileMemory, 412528u);
  EXPECT_EQ(ext.freeVolatileMemory, 6820u);
  EXPECT_EQ(info2.euiccCategory, 2);
  EXPECT_EQ(ToHex(info2.ppVersion), "000001");
  EXPECT_EQ(info2.sasAcreditationNumber, "ESIMCTL-VIRTUAL-0001");
  EXPECT_EQ(ToHex(info2.euiccCiPKIdListForSigning.at(0)), "F54172BDF98A95D65CBEB88A38A1C11D800A85C3");
}

TEST_F(Es10DecodeTest, ProfilesWithEveryMember) {
  auto r = Call<es10::GetProfilesInfoResponse>(es10::GetProfilesInfoRequest{});
  ASSERT_TRUE(r.profileInfoListOk.has_value());
  ASSERT_EQ(r.profileInfoListOk->size(), 3u);
  const es10::ProfileInfo& nw = r.profileInfoListOk->at(0);
  EXPECT_EQ(nw.iccid, "8999010010000001018");
  EXPECT_EQ(nw.profileState, es10::ProfileState::kEnabled);
  EXPECT_EQ(nw.profileNickname, "Work phone");
  EXPECT_EQ(nw.serviceProviderName, "Northwind Mobile");
  EXPECT_EQ(nw.iconType, es10::IconType::kPng);
  ASSERT_TRUE(nw.icon.has_value());
  EXPECT_EQ(ToHex(ByteView(*nw.icon).first(8)), "89504E470D0A1A0A");
  ASSERT_TRUE(nw.notificationConfigurationInfo.has_value());
  EXPECT_EQ(nw.notificationConfigurationInfo->at(0).notificationAddress, "smdp.northwind.example");
  EXPECT_TRUE(nw.notificationConfigurationInfo->at(0).profileManagementOperation.deletion);
  ASSERT_TRUE(nw.profileOwner.has_value());
  EXPECT_EQ(ToHex(nw.profileOwner->mccMnc), "00F110");
  EXPECT_EQ(nw.profilePolicyRules, es10::ProfilePolicyRules{});
  EXPECT_EQ(r.profileInfoListOk->at(2).profileClass, es10::ProfileClass::kTest);
  EXPECT_EQ(r.profileInfoListOk->at(1).notificationConfigurationInfo->size(), 2u);
}

TEST_F(Es10DecodeTest, SearchAndTagList) {
  es10::GetProfilesInfoRequest req;
  req.searchCriteria = es10::Iccid("8999020020000002021");
  req.tagList = H("5A9F7092");
  auto r = Call<es10::GetProfilesInfoResponse>(req);
  ASSERT_TRUE(r.profileInfoListOk.has_value());
  ASSERT_EQ(r.profileInfoListOk->size(), 1u);
  es10::ProfileInfo want;
  want.iccid = "8999020020000002021";
  want.profileState = es10::ProfileState::kDisabled;
  want.profileName = "Contoso Travel 5GB";
  EXPECT_EQ(r.profileInfoListOk->at(0), want);
  req.searchCriteria = es10::ProfileClass::kOperational;
  req.tagList = H("4F");
  r = Call<es10::GetProfilesInfoResponse>(req);
  ASSERT_TRUE(r.profileInfoListOk.has_value());
  EXPECT_EQ(r.profileInfoListOk->size(), 2u);
  req.searchCriteria = es10::IsdpAid{H("A0000005591010FFFFFFFF8900001200")};
  req.tagList.reset();
  r = Call<es10::GetProfilesInfoResponse>(req);
  ASSERT_EQ(r.profileInfoListOk.value().size(), 1u);
  EXPECT_EQ(r.profileInfoListOk->at(0).serviceProviderName, "Fabrikam Wireless");
}

TEST_F(Es10DecodeTest, OpaqueProfileMembersPassThrough) {
  auto doc = ReadJson(DefaultStatePath());
  doc["profiles"][1]["dpProprietaryData"] = "B806800467810102";
  doc["profiles"][1]["serviceSpecificData"] = "BF2200";
  LoadDoc(doc);
  ASSERT_EQ(SelectIsdr(), 0x9000);
  auto r = Call<es10::GetProfilesInfoResponse>(es10::GetProfilesInfoRequest{});
  ASSERT_TRUE(r.profileInfoListOk.has_value());
  EXPECT_EQ(ToHex(r.profileInfoListOk->at(1).dpProprietaryData.value_or(Bytes{})), "B806800467810102");
  doc["profiles"][1]["dpProprietaryData"] = "A0020000";
  WriteJson(state_path_, doc);
  auto bad = VirtualEuicc::Load(state_path_, {});
  EXPECT_NE(bad.status().message().find("profiles[1].dpProprietaryData"), std::string::npos);
}

TEST_F(Es10DecodeTest, AddressesAndRat) {
  auto a = Call<es10::EuiccConfiguredAddressesResponse>(es10::GetEuiccConfiguredAddressesRequest{});
  EXPECT_EQ(a.defaultDpAddress, "smdp.contoso.example");
  EXPECT_EQ(a.rootDsAddress, "lpa.ds.gsma.com");
  auto rat = Call<es10::RulesAuthorisationTable>(es10::GetRatRequest{});
  ASSERT_EQ(rat.rat.size(), 1u);
  EXPECT_EQ(rat.rat[0].allowedOperators.size(), 1u);
}

TEST_F(Es10DecodeTest, ListAndRetrieveNotifications) {
  auto list = Call<es10::ListNotificationResponse>(es10::ListNotificationRequest{});
  ASSERT_TRUE(list.notificationMetadataList.has_value());
  ASSERT_EQ(list.notificationMetadataList->size(), 3u);
  EXPECT_EQ(list.notificationMetadataList->at(0).seqNumber, 7);
  EXPECT_TRUE(list.notificationMetadataList->at(1).profileManagementOperation.enable);

  es10::ListNotificationRequest filtered;
  filtered.profileManagementOperation = es10::NotificationEvents{true, false, false, false};
  auto installs = Call<es10::ListNotificationResponse>(filtered);
  EXPECT_EQ(installs.notificationMetadataList.value().size(), 2u);

  auto all = Call<es10::RetrieveNotificationsListResponse>(es10::RetrieveNotificationsListRequest{});
  ASSERT_TRUE(all.notificationList.has_value());
  ASSERT_EQ(all.notificationList->size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const auto& pending = all.notificationList->at(i);
    EXPECT_EQ(pending.metadata(), list.notificationMetadataList->at(i));
    ASSERT_TRUE(std::holds_alternative<es10::OtherSignedNotification>(pending.value));
    EXPECT_EQ(std::get<es10::OtherSignedNotification>(pending.value).euiccNotificationSignature.size(), 64u);
    EXPECT_EQ(pending.der.at(0), 0x30);
  }
  es10::RetrieveNotificationsListRequest by_seq;
  by_seq.searchCriteria = int64_t{8};
  auto one = Call<es10::RetrieveNotificationsListResponse>(by_seq);
  ASSERT_EQ(one.notificationList.value().size(), 1u);
  EXPECT_EQ(one.notificationList->at(0).metadata().seqNumber, 8);
}

TEST_F(Es10DecodeTest, CancelSessionError) {
  es10::CancelSessionRequest req{H("A1B2C3"), 1};
  auto r = Call<es10::CancelSessionResponse>(req);
  EXPECT_EQ(r.cancelSessionResponseError, 5);
}

}  // namespace
}  // namespace esim::vcard::testing
