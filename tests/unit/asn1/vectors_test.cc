// The public test vectors of sgp22-facts.md section 7: decode each, and where the
// vector is DER in ASN.1 order, encode the model back to the same bytes.
#include <gtest/gtest.h>

#include "asn1/es10_codec.h"
#include "tests/unit/asn1/test_util.h"

namespace esim::es10 {
namespace {

using esim::testing::Hex;

TEST(Section7Vectors, ProfilesInfoOneEnabledProfile) {
  const Bytes der = Hex("BF2D14A012E3105A0A896700000000004523019F700101");
  auto response = Decode<GetProfilesInfoResponse>(der);
  ASSERT_OK(response);
  ASSERT_TRUE(response->profileInfoListOk.has_value());
  ASSERT_EQ(response->profileInfoListOk->size(), 1u);
  const ProfileInfo& profile = (*response->profileInfoListOk)[0];
  EXPECT_EQ(profile.iccid, "98760000000000543210");
  EXPECT_EQ(profile.profileState, ProfileState::kEnabled);
  EXPECT_FALSE(profile.profileClass.has_value());
  EXPECT_FALSE(profile.isdpAid.has_value());
  EXPECT_FALSE(response->profileInfoListError.has_value());

  auto encoded = Encode(*response);
  ASSERT_OK(encoded);
  EXPECT_EQ(ToHex(*encoded), ToHex(der));
}

TEST(Section7Vectors, ProfilesInfoError) {
  const Bytes der = Hex("BF2D03810101");
  auto response = Decode<GetProfilesInfoResponse>(der);
  ASSERT_OK(response);
  EXPECT_FALSE(response->profileInfoListOk.has_value());
  EXPECT_EQ(response->profileInfoListError, 1);
  auto encoded = Encode(*response);
  ASSERT_OK(encoded);
  EXPECT_EQ(*encoded, der);
}

TEST(Section7Vectors, ListNotificationInAsn1Order) {
  const Bytes der = Hex(
      "BF282BA029BF2F11800101810204100C08736D64702E636F6DBF2F12800102810204200C09736D6470322E636F6D");
  auto response = Decode<ListNotificationResponse>(der);
  ASSERT_OK(response);
  ASSERT_TRUE(response->notificationMetadataList.has_value());
  const auto& list = *response->notificationMetadataList;
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].seqNumber, 1);
  EXPECT_EQ(list[0].profileManagementOperation, (NotificationEvents{.deletion = true}));
  EXPECT_EQ(list[0].notificationAddress, "smdp.com");
  EXPECT_FALSE(list[0].iccid.has_value());
  EXPECT_EQ(list[1].seqNumber, 2);
  EXPECT_EQ(list[1].profileManagementOperation, (NotificationEvents{.disable = true}));
  EXPECT_EQ(list[1].notificationAddress, "smdp2.com");

  // The vector codes "disable" as 04 20 (BER: four bits with one unused
  // trailing zero bit too many); DER drops trailing zero bits, so disable alone
  // is 05 20 (section 2). The encoder emits DER; everything else is identical.
  auto encoded = Encode(*response);
  ASSERT_OK(encoded);
  EXPECT_EQ(ToHex(*encoded),
            "BF282BA029BF2F11800101810204100C08736D64702E636F6DBF2F12800102810205200C09736D6470322E636F6D");
}

TEST(Section7Vectors, ListNotificationOutOfOrderIsReportedNotDropped) {
  // Android's test writes the address before the event: the event is a known
  // member out of ASN.1 order. asn1c alone would drop it silently.
  const Bytes der = Hex(
      "BF282BA029BF2F118001010C08736D64702E636F6D81020410BF2F128001020C09736D6470322E636F6D81020420");
  auto response = Decode<ListNotificationResponse>(der);
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), ErrorCode::kMalformedResponse);
  EXPECT_NE(response.status().message().find("profileManagementOperation"), std::string::npos)
      << response.status().message();
  EXPECT_NE(response.status().message().find("out of ASN.1 order"), std::string::npos)
      << response.status().message();
}

TEST(Section7Vectors, ListNotificationError) {
  const Bytes der = Hex("BF2803810103");
  auto response = Decode<ListNotificationResponse>(der);
  ASSERT_OK(response);
  EXPECT_FALSE(response->notificationMetadataList.has_value());
  EXPECT_EQ(response->listNotificationsResultError, 3);
  auto encoded = Encode(*response);
  ASSERT_OK(encoded);
  EXPECT_EQ(*encoded, der);
}

TEST(Section7Vectors, DeleteProfileRequestByIccid) {
  const Bytes der = Hex("BF330C5A0A89670000000000452301");
  auto request = Decode<DeleteProfileRequest>(der);
  ASSERT_OK(request);
  ASSERT_TRUE(std::holds_alternative<Iccid>(request->profileIdentifier));
  EXPECT_EQ(std::get<Iccid>(request->profileIdentifier), "98760000000000543210");
  auto encoded = Encode(DeleteProfileRequest{Iccid("98760000000000543210")});
  ASSERT_OK(encoded);
  EXPECT_EQ(ToHex(*encoded), ToHex(der));
}

TEST(Section7Vectors, DeleteProfileResponseOk) {
  const Bytes der = Hex("BF3303800100");
  auto response = Decode<DeleteProfileResponse>(der);
  ASSERT_OK(response);
  EXPECT_EQ(response->deleteResult, 0);
  auto encoded = Encode(DeleteProfileResponse{0});
  ASSERT_OK(encoded);
  EXPECT_EQ(*encoded, der);
}

TEST(Section7Vectors, ListNotificationRequestDisableAndDelete) {
  const Bytes der = Hex("BF280481020430");
  auto request = Decode<ListNotificationRequest>(der);
  ASSERT_OK(request);
  ASSERT_TRUE(request->profileManagementOperation.has_value());
  EXPECT_EQ(*request->profileManagementOperation, (NotificationEvents{.disable = true, .deletion = true}));
  auto encoded = Encode(ListNotificationRequest{NotificationEvents{.disable = true, .deletion = true}});
  ASSERT_OK(encoded);
  EXPECT_EQ(ToHex(*encoded), ToHex(der));
}

TEST(Section7Vectors, ConfiguredAddresses) {
  const Bytes der = Hex("BF3C148008534D44502E434F4D8108736D64732E636F6D");
  auto response = Decode<EuiccConfiguredAddressesResponse>(der);
  ASSERT_OK(response);
  EXPECT_EQ(response->defaultDpAddress, "SMDP.COM");
  EXPECT_EQ(response->rootDsAddress, "smds.com");
  auto encoded = Encode(*response);
  ASSERT_OK(encoded);
  EXPECT_EQ(ToHex(*encoded), ToHex(der));
}

TEST(Section7Vectors, CancelSessionRequest) {
  const Bytes der = Hex("BF41088003A1B2C3810101");
  auto request = Decode<CancelSessionRequest>(der);
  ASSERT_OK(request);
  EXPECT_EQ(ToHex(request->transactionId), "A1B2C3");
  EXPECT_EQ(request->reason, 1);
  auto encoded = Encode(CancelSessionRequest{Hex("A1B2C3"), 1});
  ASSERT_OK(encoded);
  EXPECT_EQ(ToHex(*encoded), ToHex(der));
}

}  // namespace
}  // namespace esim::es10
