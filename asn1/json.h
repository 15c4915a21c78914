// JSON views of the ES10 model types (asn1/messages.h), for --json output and
// `esimctl decode`, plus the SGP.22 names of result codes and enumerations.
//
// Conventions: field names are the ASN.1 member names; enumerations and result
// codes are their SGP.22 names ("enabled", "operational", "png", "ok",
// "iccidOrAidNotFound"; a code without a name stays a number); named-bit BIT
// STRINGs are arrays of the names of the set bits (["delete"], ["ppr1"],
// ["usimSupport", ...]); VersionType is dotted ("2.2.2"); other byte strings are
// upper-case hex; ICCID and EID are digit strings; absent optionals are omitted.
// Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "asn1/messages.h"

namespace esim::es10 {

// ---- Names ------------------------------------------------------------------------

// SGP.22 name of result `code` in the response with outer tag `outer_tag`
// (0xBF31 enable, 0xBF32 disable, 0xBF33 delete, 0xBF29 setNickname, 0xBF34
// memory reset, 0xBF3F setDefaultDpAddress, 0xBF30 notificationSent, and the
// error alternatives of 0xBF2D, 0xBF28, 0xBF2B, 0xBF41); the decimal code when it
// has no name.
std::string ResultCodeName(uint16_t outer_tag, int64_t code);
// Shorthands for ResultCodeName with the function's tag.
std::string EnableResultName(int64_t code);
std::string DisableResultName(int64_t code);
std::string DeleteResultName(int64_t code);
std::string SetNicknameResultName(int64_t code);
std::string EuiccMemoryResetResultName(int64_t code);
std::string SetDefaultDpAddressResultName(int64_t code);
std::string NotificationSentResultName(int64_t code);
// CancelSessionReason name ("postponed"), or the decimal code.
std::string CancelSessionReasonName(int64_t reason);

// "disabled" / "enabled".
std::string ProfileStateName(ProfileState state);
// "test" / "provisioning" / "operational".
std::string ProfileClassName(ProfileClass profile_class);
// "jpg" / "png".
std::string IconTypeName(IconType icon_type);
// Names of the set events, in bit order: "install", "enable", "disable", "delete".
nlohmann::json EventNames(const NotificationEvents& events);
// "2.2.2" from a 3-byte VersionType (hex if not 3 bytes).
std::string VersionText(const Bytes& version);

// ---- Text ---------------------------------------------------------------------------------

// `document` as JSON text, indented as nlohmann::json::dump(indent). Strings that came from a
// card need not be valid UTF-8: each invalid byte becomes U+FFFD instead of throwing. Every
// place that prints or stores card data as JSON goes through here.
std::string JsonText(const nlohmann::json& document, int indent = -1);

// ---- Shared vocabulary --------------------------------------------------------------
nlohmann::json ToJson(const NotificationEvents& events);
nlohmann::json ToJson(const ProfilePolicyRules& rules);
nlohmann::json ToJson(const IsdpAid& aid);
nlohmann::json ToJson(const ProfileId& id);  // {"isdpAid": hex} or {"iccid": digits}
nlohmann::json ToJson(const NotificationConfigurationInformation& info);
nlohmann::json ToJson(const OperatorId& id);
nlohmann::json ToJson(const ProfileInfo& profile);

// ---- Messages -------------------------------------------------------------------------
nlohmann::json ToJson(const GetEuiccDataRequest& message);
nlohmann::json ToJson(const GetEuiccDataResponse& message);
nlohmann::json ToJson(const GetEuiccInfo1Request& message);
nlohmann::json ToJson(const EuiccInfo1& message);
nlohmann::json ToJson(const GetEuiccInfo2Request& message);
nlohmann::json ToJson(const EuiccInfo2& message);
nlohmann::json ToJson(const ExtCardResource& resource);
nlohmann::json ToJson(const GetProfilesInfoRequest& message);
nlohmann::json ToJson(const GetProfilesInfoResponse& message);
nlohmann::json ToJson(const EnableProfileRequest& message);
nlohmann::json ToJson(const DisableProfileRequest& message);
nlohmann::json ToJson(const DeleteProfileRequest& message);
nlohmann::json ToJson(const EnableProfileResponse& message);
nlohmann::json ToJson(const DisableProfileResponse& message);
nlohmann::json ToJson(const DeleteProfileResponse& message);
nlohmann::json ToJson(const SetNicknameRequest& message);
nlohmann::json ToJson(const SetNicknameResponse& message);
nlohmann::json ToJson(const EuiccMemoryResetRequest& message);
nlohmann::json ToJson(const EuiccMemoryResetResponse& message);
nlohmann::json ToJson(const GetEuiccConfiguredAddressesRequest& message);
nlohmann::json ToJson(const EuiccConfiguredAddressesResponse& message);
nlohmann::json ToJson(const SetDefaultDpAddressRequest& message);
nlohmann::json ToJson(const SetDefaultDpAddressResponse& message);
nlohmann::json ToJson(const GetRatRequest& message);
nlohmann::json ToJson(const ProfilePolicyAuthorisationRule& rule);
nlohmann::json ToJson(const RulesAuthorisationTable& message);
nlohmann::json ToJson(const NotificationMetadata& metadata);
nlohmann::json ToJson(const ListNotificationRequest& message);
nlohmann::json ToJson(const ListNotificationResponse& message);
nlohmann::json ToJson(const OtherSignedNotification& notification);
nlohmann::json ToJson(const ProfileInstallationResult& result);
// {"profileInstallationResult": {...}} or {"otherSignedNotification": {...}}.
nlohmann::json ToJson(const PendingNotification& notification);
nlohmann::json ToJson(const RetrieveNotificationsListRequest& message);
nlohmann::json ToJson(const RetrieveNotificationsListResponse& message);
nlohmann::json ToJson(const NotificationSentRequest& message);
nlohmann::json ToJson(const NotificationSentResponse& message);
nlohmann::json ToJson(const CancelSessionRequest& message);
nlohmann::json ToJson(const CancelSessionResponse& message);

}  // namespace esim::es10
