// What real cards send (sgp22-facts.md section 6) and what asn1c alone gets wrong:
// BER length forms, unknown members, missing optionals, zero-length elements,
// leading-zero integers, out-of-order and repeated members, trailing bytes and
// wrong outer tags.
#include <gtest/gtest.h>

#include "asn1/es10_codec.h"
#include "tests/unit/asn1/test_util.h"

namespace esim::es10 {
namespace {

using esim::testing::Cat;
using esim::testing::Hex;
using esim::testing::Tlv;

// BF2D { A0 { E3 { <members> } } }: one profile.
Bytes ProfileList(std::initializer_list<Bytes> members) {
  return Tlv("BF2D", {Tlv("A0", {Tlv("E3", members)})});
}

Result<ProfileInfo> OnlyProfile(const Bytes& der) {
  ESIM_ASSIGN_OR_RETURN(GetProfilesInfoResponse response, Decode<GetProfilesInfoResponse>(der));
  if (!response.profileInfoListOk || response.profileInfoListOk->size() != 1) {
    return Status(ErrorCode::kInternal, "expected exactly one profile");
  }
  return (*response.profileInfoListOk)[0];
}

const Bytes kIccid20 = Hex("5A0A89670000000000452301");  // 98760000000000543210
const Bytes kIccid19 = Hex("5A0A980010325476981032F4");  // 8900012345678901234 + F

TEST(BerQuirks, LongFormLengthsAreAccepted) {
  // 81 xx where short form would do, at every level.
  auto profile = OnlyProfile(Hex("BF2D8118A08115E381125A810A896700000000004523019F70810101"));
  ASSERT_OK(profile);
  EXPECT_EQ(profile->iccid, "98760000000000543210");
  EXPECT_EQ(profile->profileState, ProfileState::kEnabled);
}

TEST(BerQuirks, TwoByteLengthFormIsAccepted) {
  auto profile = OnlyProfile(Hex("BF2D820018A0820014E38200105A0A896700000000004523019F700101"));
  ASSERT_OK(profile);
  EXPECT_EQ(profile->iccid, "98760000000000543210");
}

TEST(BerQuirks, LongListWithB0LengthRoundTripsToDer) {
  // A real-sized answer: a 0xB0-byte profile needs 81 B0 in DER too.
  ProfileInfo profile;
  profile.iccid = "8944476500000123456";
  profile.icon = Bytes(161, 0x42);  // makes the ProfileInfo exactly 0xB0 bytes of content
  GetProfilesInfoResponse response{std::vector<ProfileInfo>{profile}, std::nullopt};
  auto der = Encode(response);
  ASSERT_OK(der);
  EXPECT_EQ(ToHex(ByteView(*der).first(4)), "BF2D81B6");
  EXPECT_EQ(ToHex(ByteView(*der).subspan(4, 3)), "A081B3");
  EXPECT_EQ(ToHex(ByteView(*der).subspan(7, 3)), "E381B0");
  auto decoded = Decode<GetProfilesInfoResponse>(*der);
  ASSERT_OK(decoded);
  EXPECT_EQ((*decoded->profileInfoListOk)[0], profile);
}

TEST(BerQuirks, UnknownMembersWithNestedE3BytesAreSkippedByLength) {
  // BF76 holds bytes that look like a ProfileInfo (E3 03 5A 01 00); 9F7B and a
  // zero-length 89 are unknown too. Some sit between known members, some after.
  auto profile = OnlyProfile(ProfileList({
      kIccid20,
      Tlv("BF76", {Tlv("E3", {Tlv("5A", {Hex("0000FF")})})}),
      Hex("9F700100"),
      Tlv("9F7B", {Hex("E300")}),
      Hex("8900"),
      Hex("950102"),
      Tlv("BF76", {Hex("E30100")}),
  }));
  ASSERT_OK(profile);
  EXPECT_EQ(profile->iccid, "98760000000000543210");
  EXPECT_EQ(profile->profileState, ProfileState::kDisabled);
  EXPECT_EQ(profile->profileClass, ProfileClass::kOperational);
}

TEST(BerQuirks, MissingOptionalMembers) {
  auto profile = OnlyProfile(ProfileList({kIccid19}));
  ASSERT_OK(profile);
  EXPECT_EQ(profile->iccid, "8900012345678901234");
  EXPECT_FALSE(profile->profileState.has_value());
  EXPECT_FALSE(profile->profileClass.has_value());
  EXPECT_FALSE(profile->profileNickname.has_value());
  EXPECT_FALSE(profile->serviceProviderName.has_value());
  EXPECT_FALSE(profile->profileName.has_value());
}

TEST(BerQuirks, EmptyProfileListAndEmptyProfile) {
  auto empty = Decode<GetProfilesInfoResponse>(Hex("BF2D02A000"));
  ASSERT_OK(empty);
  ASSERT_TRUE(empty->profileInfoListOk.has_value());
  EXPECT_TRUE(empty->profileInfoListOk->empty());
  auto bare = OnlyProfile(ProfileList({}));
  ASSERT_OK(bare);
  EXPECT_EQ(*bare, ProfileInfo{});
}

TEST(BerQuirks, ZeroLengthElementsAreEmptyValues) {
  auto profile = OnlyProfile(ProfileList({Hex("9000910092008900B600"), Hex("3000")}));
  // 30 00 is not a known member of ProfileInfo: skipped.
  ASSERT_OK(profile);
  EXPECT_EQ(profile->profileNickname, "");
  EXPECT_EQ(profile->serviceProviderName, "");
  EXPECT_EQ(profile->profileName, "");
  ASSERT_TRUE(profile->notificationConfigurationInfo.has_value());
  EXPECT_TRUE(profile->notificationConfigurationInfo->empty());
}

TEST(BerQuirks, ZeroLengthIntegerReadsAsZero) {
  // Not valid BER, but cards send empty elements; asn1c reads an empty INTEGER as 0.
  auto profile = OnlyProfile(ProfileList({Hex("9F7000")}));
  ASSERT_OK(profile);
  EXPECT_EQ(profile->profileState, ProfileState::kDisabled);
  auto sent = Decode<NotificationSentResponse>(Hex("BF30028000"));
  ASSERT_OK(sent);
  EXPECT_EQ(sent->deleteNotificationStatus, 0);
}

TEST(BerQuirks, LeadingZeroIntegersDecodeAndReencodeMinimal) {
  auto profile = OnlyProfile(ProfileList({Hex("9F7003000001")}));
  ASSERT_OK(profile);
  EXPECT_EQ(profile->profileState, ProfileState::kEnabled);

  // seqNumber 128 sent as 80 03 00 00 80.
  auto good = Decode<ListNotificationResponse>(
      Tlv("BF28", {Tlv("A0", {Tlv("BF2F", {Hex("8003000080"), Hex("81020780"), Hex("0C05612E636F6D")})})}));
  ASSERT_OK(good);
  EXPECT_EQ((*good->notificationMetadataList)[0].seqNumber, 128);
  auto der = Encode(*good);
  ASSERT_OK(der);
  EXPECT_EQ(ToHex(*der), "BF2814A012BF2F0F80020080810207800C05612E636F6D");
}

TEST(Strictness, KnownMemberOutOfOrderInProfileInfoIsReported) {
  // profileState before iccid: asn1c would return the profile without its ICCID.
  auto response = Decode<GetProfilesInfoResponse>(ProfileList({Hex("9F700101"), kIccid20}));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), ErrorCode::kMalformedResponse);
  const std::string message = response.status().message();
  EXPECT_NE(message.find("ProfileInfoListResponse"), std::string::npos) << message;
  EXPECT_NE(message.find("profileInfoListOk[0].iccid"), std::string::npos) << message;
  EXPECT_NE(message.find("out of ASN.1 order"), std::string::npos) << message;
}

TEST(Strictness, RepeatedMemberIsReported) {
  auto response = Decode<GetProfilesInfoResponse>(ProfileList({Hex("9F700100"), Hex("9F700101")}));
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("profileState: repeated"), std::string::npos)
      << response.status().message();
}

TEST(Strictness, MissingMandatoryMemberIsNamed) {
  // NotificationMetadata without seqNumber.
  auto response = Decode<ListNotificationResponse>(
      Tlv("BF28", {Tlv("A0", {Tlv("BF2F", {Hex("81020780"), Hex("0C05612E636F6D")})})}));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), ErrorCode::kMalformedResponse);
  EXPECT_NE(response.status().message().find("seqNumber: mandatory member missing"), std::string::npos)
      << response.status().message();
}

TEST(Strictness, ListItemWithWrongTagIsNamed) {
  auto response = Decode<GetProfilesInfoResponse>(Tlv("BF2D", {Tlv("A0", {Tlv("E3", {}), Tlv("E4", {})})}));
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("profileInfoListOk[1]: unexpected tag E4"), std::string::npos)
      << response.status().message();
}

TEST(Strictness, TrailingBytesAreRejected) {
  for (std::string_view garbage : {"00", "9000", "BF2D03810101"}) {
    Bytes der = Hex("BF2D03810101");
    Bytes extra = Hex(garbage);
    der.insert(der.end(), extra.begin(), extra.end());
    auto response = Decode<GetProfilesInfoResponse>(der);
    ASSERT_FALSE(response.ok()) << garbage;
    EXPECT_EQ(response.status().code(), ErrorCode::kMalformedResponse);
    EXPECT_NE(response.status().message().find("trailing"), std::string::npos) << response.status().message();
  }
}

TEST(Strictness, WrongOuterTagIsRejected) {
  // A ListNotification error answer is not a GetProfilesInfo answer, although
  // its content would decode the same.
  auto response = Decode<GetProfilesInfoResponse>(Hex("BF2803810101"));
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("unexpected outer tag BF28"), std::string::npos)
      << response.status().message();
  EXPECT_FALSE(Decode<DeleteProfileResponse>(Hex("BF3203800100")).ok());
  EXPECT_FALSE(Decode<GetEuiccDataResponse>(Hex("3012" "5A10" "89049032123451234512345678901235")).ok());
}

TEST(Strictness, TruncatedAndEmptyInputIsRejected) {
  EXPECT_FALSE(Decode<GetProfilesInfoResponse>(Bytes{}).ok());
  EXPECT_FALSE(Decode<GetProfilesInfoResponse>(Hex("BF2D038101")).ok());
  EXPECT_FALSE(Decode<GetProfilesInfoResponse>(Hex("BF")).ok());
  EXPECT_FALSE(Decode<GetProfilesInfoResponse>(Hex("BF2D84FFFFFFFF81")).ok());
}

TEST(BerQuirks, IndefiniteLengthsAreAccepted) {
  // BF2D 80 { A0 80 { E3 80 { 5A .. 9F70 .. } 00 00 } 00 00 } 00 00
  auto profile = OnlyProfile(Hex("BF2D80A080E3805A0A896700000000004523019F700101000000000000"));
  ASSERT_OK(profile);
  EXPECT_EQ(profile->iccid, "98760000000000543210");
  EXPECT_EQ(profile->profileState, ProfileState::kEnabled);
  auto error = Decode<GetProfilesInfoResponse>(Hex("BF2D80810101" "0000"));
  ASSERT_OK(error);
  EXPECT_EQ(error->profileInfoListError, 1);
}

TEST(Strictness, BrokenIndefiniteLengthsAreRejected) {
  auto missing_end = Decode<GetProfilesInfoResponse>(Hex("BF2D80810101"));
  ASSERT_FALSE(missing_end.ok());
  EXPECT_NE(missing_end.status().message().find("end-of-contents"), std::string::npos)
      << missing_end.status().message();
  EXPECT_FALSE(Decode<GetProfilesInfoResponse>(Hex("BF2D808101010000" "00")).ok());  // trailing byte
  EXPECT_FALSE(Decode<GetProfilesInfoResponse>(Hex("BF2D02A080")).ok());             // primitive-size lie
}

TEST(Strictness, ConstraintViolationsAreMalformed) {
  // A 9-byte ICCID inside a ProfileInfo.
  auto response = Decode<GetProfilesInfoResponse>(ProfileList({Hex("5A09896700000000004523")}));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), ErrorCode::kMalformedResponse);
  EXPECT_NE(response.status().message().find("Iccid"), std::string::npos) << response.status().message();
  // A nickname of 65 bytes.
  ProfileInfo too_long;
  too_long.profileNickname = std::string(65, 'n');
  auto encoded = Encode(GetProfilesInfoResponse{std::vector<ProfileInfo>{too_long}, std::nullopt});
  ASSERT_FALSE(encoded.ok());
  EXPECT_EQ(encoded.status().code(), ErrorCode::kInvalidInput);
}

TEST(Strictness, UnknownEnumeratedValuesAreMalformed) {
  auto response = Decode<GetProfilesInfoResponse>(ProfileList({Hex("9F700102")}));
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find("profileState: unknown value 2"), std::string::npos)
      << response.status().message();
}

}  // namespace
}  // namespace esim::es10
