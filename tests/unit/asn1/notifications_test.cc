// RetrieveNotificationsList with both PendingNotification forms, and the exact
// bytes a PendingNotification keeps for delivery to the SM-DP+.
#include <gtest/gtest.h>

#include <algorithm>

#include "asn1/es10_codec.h"
#include "asn1/json.h"
#include "tests/unit/asn1/test_util.h"

namespace esim::es10 {
namespace {

using esim::testing::Cat;
using esim::testing::Hex;
using esim::testing::Tlv;

const Bytes kIccid = Hex("5A0A89670000000000452301");  // 98760000000000543210

Bytes Metadata(std::string_view seq_hex, std::string_view event_hex) {
  return Tlv("BF2F", {Tlv("80", {Hex(seq_hex)}), Tlv("81", {Hex(event_hex)}),
                      Tlv("0C", {Hex("736D64702E636F6D")}), kIccid});
}

// 30 { BF2F, 5F37 signature, 30 eUICC cert, 30 EUM cert } (certificates are stand-ins).
Bytes OtherSigned(std::string_view seq_hex, std::string_view event_hex) {
  return Tlv("30", {Metadata(seq_hex, event_hex), Tlv("5F37", {Bytes(64, 0x11)}),
                    Tlv("30", {Hex("020101"), Hex("0403CAFE01")}), Tlv("30", {Hex("020102")})});
}

// BF37 { BF27 { 80 transactionId, BF2F, 06 smdpOid, A2 { A0 { 4F aid, 04 sima } } }, 5F37 }.
Bytes InstallSuccess() {
  return Tlv("BF37", {Tlv("BF27", {Tlv("80", {Hex("A1B2C3")}), Metadata("07", "0780"),
                                   Tlv("06", {Hex("2B060104018F5A")}),
                                   Tlv("A2", {Tlv("A0", {Tlv("4F", {Hex("A0000005591010FFFFFFFF8900001000")}),
                                                         Tlv("04", {Hex("3003800100")})})})}),
                      Tlv("5F37", {Bytes(64, 0x22)})});
}

Bytes InstallError() {
  return Tlv("BF37", {Tlv("BF27", {Tlv("80", {Hex("0102")}), Metadata("08", "0780"),
                                   Tlv("A2", {Tlv("A1", {Hex("800105"), Hex("81010A")})})}),
                      Tlv("5F37", {Bytes(64, 0x33)})});
}

TEST(RetrieveNotifications, BothFormsDecode) {
  const Bytes install = InstallSuccess();
  const Bytes other = OtherSigned("0101", "0410");  // seq 257, delete
  const Bytes der = Tlv("BF2B", {Tlv("A0", {install, other})});
  auto response = Decode<RetrieveNotificationsListResponse>(der);
  ASSERT_OK(response);
  ASSERT_TRUE(response->notificationList.has_value());
  ASSERT_EQ(response->notificationList->size(), 2u);

  const PendingNotification& first = (*response->notificationList)[0];
  ASSERT_TRUE(std::holds_alternative<ProfileInstallationResult>(first.value));
  const auto& result = std::get<ProfileInstallationResult>(first.value);
  EXPECT_EQ(ToHex(result.transactionId), "A1B2C3");
  EXPECT_EQ(result.notificationMetadata.seqNumber, 7);
  EXPECT_TRUE(result.notificationMetadata.profileManagementOperation.install);
  EXPECT_EQ(result.smdpOid, "1.3.6.1.4.1.2010");
  EXPECT_TRUE(result.success);
  EXPECT_EQ(ToHex(result.successAid.value()), "A0000005591010FFFFFFFF8900001000");
  EXPECT_EQ(ToHex(result.simaResponse.value()), "3003800100");
  EXPECT_EQ(result.euiccSignPIR, Bytes(64, 0x22));
  EXPECT_EQ(first.der, install);
  EXPECT_EQ(first.metadata().seqNumber, 7);

  const PendingNotification& second = (*response->notificationList)[1];
  ASSERT_TRUE(std::holds_alternative<OtherSignedNotification>(second.value));
  const auto& signed_notification = std::get<OtherSignedNotification>(second.value);
  EXPECT_EQ(signed_notification.tbsOtherNotification.seqNumber, 257);
  EXPECT_EQ(signed_notification.tbsOtherNotification.iccid, "98760000000000543210");
  EXPECT_EQ(signed_notification.euiccNotificationSignature, Bytes(64, 0x11));
  EXPECT_EQ(ToHex(signed_notification.euiccCertificate), "3008020101" "0403CAFE01");
  EXPECT_EQ(ToHex(signed_notification.eumCertificate), "3003020102");
  EXPECT_EQ(second.der, other);
  EXPECT_EQ(second.metadata().profileManagementOperation, (NotificationEvents{.deletion = true}));

  // Re-encoding writes each notification's kept bytes: identical list.
  auto encoded = Encode(*response);
  ASSERT_OK(encoded);
  EXPECT_EQ(ToHex(*encoded), ToHex(der));
}

TEST(RetrieveNotifications, InstallErrorResult) {
  auto notification = Decode<PendingNotification>(InstallError());
  ASSERT_OK(notification);
  const auto& result = std::get<ProfileInstallationResult>(notification->value);
  EXPECT_FALSE(result.success);
  EXPECT_EQ(result.bppCommandId, 5);
  EXPECT_EQ(result.errorReason, 10);
  EXPECT_FALSE(result.simaResponse.has_value());
  EXPECT_TRUE(result.smdpOid.empty());
  EXPECT_EQ(ToJson(*notification)["profileInstallationResult"]["profileInstallationResultData"]["finalResult"]
                ["errorResult"]["errorReason"],
            "installFailedDueToInsufficientMemoryForProfile");
  // Built from the model (no kept bytes), the encoder gives the same DER.
  PendingNotification rebuilt{notification->value, {}};
  auto der = Encode(rebuilt);
  ASSERT_OK(der);
  EXPECT_EQ(ToHex(*der), ToHex(InstallError()));
}

TEST(RetrieveNotifications, KeptBytesAreExactEvenWhenNotDer) {
  // The card used a long-form length inside the signature (5F37 81 40): the
  // notification must be forwarded exactly as signed, not re-encoded.
  Bytes other = OtherSigned("05", "0520");
  const Bytes signature_der = Tlv("5F37", {Bytes(64, 0x11)});
  const Bytes signature_ber = Cat({Hex("5F378140"), Bytes(64, 0x11)});
  auto at = std::search(other.begin(), other.end(), signature_der.begin(), signature_der.end());
  ASSERT_NE(at, other.end());
  other.erase(at, at + static_cast<std::ptrdiff_t>(signature_der.size()));
  other.insert(at, signature_ber.begin(), signature_ber.end());
  other = Tlv("30", {Bytes(other.begin() + 2, other.end())});  // fix the outer length

  const Bytes der = Tlv("BF2B", {Tlv("A0", {other})});
  auto response = Decode<RetrieveNotificationsListResponse>(der);
  ASSERT_OK(response);
  const PendingNotification& notification = (*response->notificationList)[0];
  EXPECT_EQ(notification.der, other);
  EXPECT_EQ(notification.metadata().seqNumber, 5);
  auto encoded = Encode(*response);
  ASSERT_OK(encoded);
  EXPECT_EQ(ToHex(*encoded), ToHex(der));
}

TEST(RetrieveNotifications, ModelOnlyNotificationsEncodeAsDer) {
  OtherSignedNotification other;
  other.tbsOtherNotification = {1926, NotificationEvents{.enable = true}, "smdp.com", "98760000000000543210"};
  other.euiccNotificationSignature = Bytes(64, 0x11);
  other.euiccCertificate = Hex("3008020101" "0403CAFE01");
  other.eumCertificate = Hex("3003020102");
  RetrieveNotificationsListResponse response{std::vector<PendingNotification>{{other, {}}}, std::nullopt};
  auto der = Encode(response);
  ASSERT_OK(der);
  auto decoded = Decode<RetrieveNotificationsListResponse>(*der);
  ASSERT_OK(decoded);
  const PendingNotification& back = (*decoded->notificationList)[0];
  EXPECT_EQ(back.metadata(), other.tbsOtherNotification);
  // The kept bytes of the decoded notification are its DER inside the list.
  EXPECT_EQ(ToHex(back.der), ToHex(Encode(PendingNotification{other, {}}).value()));

  // A certificate must be one DER element.
  other.eumCertificate = Hex("0201");
  EXPECT_EQ(Encode(PendingNotification{other, {}}).status().code(), ErrorCode::kInvalidInput);
  // Kept bytes that do not decode are refused rather than sent.
  EXPECT_EQ(Encode(PendingNotification{other, Hex("3000")}).status().code(), ErrorCode::kInvalidInput);
}

TEST(RetrieveNotifications, ErrorsAndEmptyList) {
  auto error = Decode<RetrieveNotificationsListResponse>(Hex("BF2B0381017F"));
  ASSERT_OK(error);
  EXPECT_EQ(error->notificationsListResultError, 127);
  EXPECT_FALSE(error->notificationList.has_value());
  EXPECT_EQ(ToHex(Encode(*error).value()), "BF2B0381017F");
  auto empty = Decode<RetrieveNotificationsListResponse>(Hex("BF2B02A000"));
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->notificationList->empty());
  EXPECT_EQ(ToHex(Encode(*empty).value()), "BF2B02A000");
  EXPECT_EQ(Encode(RetrieveNotificationsListResponse{}).status().code(), ErrorCode::kInvalidInput);
}

TEST(RetrieveNotifications, OutOfOrderMetadataInsideASignedNotificationIsReported) {
  const Bytes bad_metadata = Tlv("BF2F", {Hex("800101"), Tlv("0C", {Hex("61")}), Hex("81020410")});
  const Bytes other = Tlv("30", {bad_metadata, Tlv("5F37", {Bytes(64, 0)}), Hex("3000"), Hex("3000")});
  auto response = Decode<RetrieveNotificationsListResponse>(Tlv("BF2B", {Tlv("A0", {other})}));
  ASSERT_FALSE(response.ok());
  EXPECT_NE(response.status().message().find(
                "notificationList[0].otherSignedNotification.tbsOtherNotification.profileManagementOperation"),
            std::string::npos)
      << response.status().message();
}

TEST(RetrieveNotifications, UnknownPendingNotificationFormIsMalformed) {
  auto response = Decode<RetrieveNotificationsListResponse>(Hex("BF2B04A002" "8000"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.status().code(), ErrorCode::kMalformedResponse);
}

}  // namespace
}  // namespace esim::es10
