// Plain C++ model types for every ES10 message esimctl speaks (SGP.22 v2.x).
//
// These are the only ASN.1-related types visible above asn1/: no asn1c type
// leaks out of this folder. Field names follow the ASN.1 member names of the
// project's module (asn1/RSPDefinitions.asn). Encoders and decoders live in
// asn1/es10_codec.h. Values only; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/bytes.h"

namespace esim::es10 {

// ---- Shared vocabulary -------------------------------------------------------

// ICCID as decimal digits (18-20), decoded from the swapped-nibble BCD of EF.ICCID.
using Iccid = std::string;
// EID as 32 decimal digits (not swapped).
using Eid = std::string;

enum class ProfileState { kDisabled = 0, kEnabled = 1 };
enum class ProfileClass { kTest = 0, kProvisioning = 1, kOperational = 2 };
enum class IconType { kJpg = 0, kPng = 1 };

// NotificationEvent BIT STRING, as a set of named bits.
struct NotificationEvents {
  bool install = false;          // bit 0, notificationInstall
  bool enable = false;           // bit 1, notificationEnable
  bool disable = false;          // bit 2, notificationDisable
  bool deletion = false;         // bit 3, notificationDelete
  bool operator==(const NotificationEvents&) const = default;
};

// ProfilePolicyRules BIT STRING (bit 0 is reserved by SGP.22).
struct ProfilePolicyRules {
  bool ppr1 = false;  // bit 1: disabling not allowed
  bool ppr2 = false;  // bit 2: deletion not allowed
  bool operator==(const ProfilePolicyRules&) const = default;
};

// Identifies a profile in Enable/Disable/Delete/GetProfilesInfo.
struct IsdpAid { Bytes aid; bool operator==(const IsdpAid&) const = default; };
using ProfileId = std::variant<IsdpAid, Iccid>;

// ---- ProfileInfo (E3) ----------------------------------------------------------

struct NotificationConfigurationInformation {
  NotificationEvents profileManagementOperation;
  std::string notificationAddress;
  bool operator==(const NotificationConfigurationInformation&) const = default;
};

struct OperatorId {
  Bytes mccMnc;                 // 3 bytes
  std::optional<Bytes> gid1;
  std::optional<Bytes> gid2;
  bool operator==(const OperatorId&) const = default;
};

struct ProfileInfo {
  std::optional<Iccid> iccid;
  std::optional<Bytes> isdpAid;
  std::optional<ProfileState> profileState;
  std::optional<std::string> profileNickname;
  std::optional<std::string> serviceProviderName;
  std::optional<std::string> profileName;
  std::optional<IconType> iconType;
  std::optional<Bytes> icon;
  std::optional<ProfileClass> profileClass;  // absent means operational (SGP.22 default)
  std::optional<std::vector<NotificationConfigurationInformation>> notificationConfigurationInfo;
  std::optional<OperatorId> profileOwner;
  std::optional<Bytes> dpProprietaryData;    // DER of the whole element (B8 ...), opaque
  std::optional<ProfilePolicyRules> profilePolicyRules;
  std::optional<Bytes> serviceSpecificData;  // DER of the whole element (BF22 ...), opaque
  bool operator==(const ProfileInfo&) const = default;
};

// ---- GetEID (BF3E) --------------------------------------------------------------
struct GetEuiccDataRequest { Bytes tagList{0x5A}; };
struct GetEuiccDataResponse { Eid eidValue; };

// ---- GetEUICCInfo1 (BF20) / GetEUICCInfo2 (BF22) --------------------------------
struct GetEuiccInfo1Request {};
struct EuiccInfo1 {
  Bytes svn;                            // VersionType, 3 bytes
  std::vector<Bytes> euiccCiPKIdListForVerification;
  std::vector<Bytes> euiccCiPKIdListForSigning;
};
struct GetEuiccInfo2Request {};
struct EuiccInfo2 {
  Bytes profileVersion;                 // 3 bytes
  Bytes svn;                            // 3 bytes
  Bytes euiccFirmwareVer;               // 3 bytes
  Bytes extCardResource;                // TLV list: 81 installed apps, 82 free NVM, 83 free RAM
  Bytes uiccCapability;                 // BIT STRING content bytes (after the unused-bits byte)
  std::optional<Bytes> ts102241Version;
  std::optional<Bytes> globalplatformVersion;
  Bytes rspCapability;                  // BIT STRING content bytes
  std::vector<Bytes> euiccCiPKIdListForVerification;
  std::vector<Bytes> euiccCiPKIdListForSigning;
  std::optional<int64_t> euiccCategory; // 0 other, 1 basicEuicc, 2 mediumEuicc, 3 contactlessEuicc
  std::optional<Bytes> forbiddenProfilePolicyRules;
  Bytes ppVersion;                      // 3 bytes
  std::string sasAcreditationNumber;
  std::optional<std::string> platformLabel;       // certificationDataObject
  std::optional<std::string> discoveryBaseURL;    // certificationDataObject
};
// Free non-volatile memory and friends parsed from extCardResource.
struct ExtCardResource {
  std::optional<uint64_t> installedApplications;  // tag 81
  std::optional<uint64_t> freeNonVolatileMemory;  // tag 82
  std::optional<uint64_t> freeVolatileMemory;     // tag 83
};

// ---- GetProfilesInfo (BF2D) -----------------------------------------------------
struct GetProfilesInfoRequest {
  // searchCriteria CHOICE: isdpAid, iccid, or profileClass.
  std::optional<std::variant<IsdpAid, Iccid, ProfileClass>> searchCriteria;
  std::optional<Bytes> tagList;         // concatenated tags to return, e.g. 5A 4F 9F70 90 91 92 95
};
struct GetProfilesInfoResponse {
  // Exactly one: the list, or the error (1 incorrectInputValues, 127 undefinedError).
  std::optional<std::vector<ProfileInfo>> profileInfoListOk;
  std::optional<int64_t> profileInfoListError;
};

// ---- Enable (BF31) / Disable (BF32) / Delete (BF33) ------------------------------
struct EnableProfileRequest { ProfileId profileIdentifier; bool refreshFlag = false; };
struct DisableProfileRequest { ProfileId profileIdentifier; bool refreshFlag = false; };
struct DeleteProfileRequest { ProfileId profileIdentifier; };
// The single-result responses (BF31, BF32, BF33, BF29, BF34, BF3F, BF30).
struct EnableProfileResponse { int64_t enableResult = 0; };
struct DisableProfileResponse { int64_t disableResult = 0; };
struct DeleteProfileResponse { int64_t deleteResult = 0; };

// ---- SetNickname (BF29) ----------------------------------------------------------
struct SetNicknameRequest { Iccid iccid; std::string profileNickname; };
struct SetNicknameResponse { int64_t setNicknameResult = 0; };

// ---- eUICCMemoryReset (BF34) -----------------------------------------------------
struct EuiccMemoryResetRequest {
  bool deleteOperationalProfiles = false;     // bit 0
  bool deleteFieldLoadedTestProfiles = false; // bit 1
  bool resetDefaultSmdpAddress = false;       // bit 2
};
struct EuiccMemoryResetResponse { int64_t resetResult = 0; };

// ---- Configured addresses (BF3C) / SetDefaultDpAddress (BF3F) -------------------
struct GetEuiccConfiguredAddressesRequest {};
struct EuiccConfiguredAddressesResponse {
  std::optional<std::string> defaultDpAddress;
  std::string rootDsAddress;
};
struct SetDefaultDpAddressRequest { std::string defaultDpAddress; };
struct SetDefaultDpAddressResponse { int64_t setDefaultDpAddressResult = 0; };

// ---- GetRAT (BF43) ---------------------------------------------------------------
struct GetRatRequest {};
struct ProfilePolicyAuthorisationRule {
  Bytes pprIds;                         // BIT STRING content bytes
  std::vector<OperatorId> allowedOperators;
  Bytes pprFlags;                       // BIT STRING content bytes
};
struct RulesAuthorisationTable { std::vector<ProfilePolicyAuthorisationRule> rat; };

// ---- Notifications ---------------------------------------------------------------
struct NotificationMetadata {
  int64_t seqNumber = 0;
  NotificationEvents profileManagementOperation;  // exactly one bit set on real cards
  std::string notificationAddress;                // FQDN
  std::optional<Iccid> iccid;
  bool operator==(const NotificationMetadata&) const = default;
};

struct ListNotificationRequest { std::optional<NotificationEvents> profileManagementOperation; };
struct ListNotificationResponse {
  std::optional<std::vector<NotificationMetadata>> notificationMetadataList;
  std::optional<int64_t> listNotificationsResultError;  // 127 undefinedError
};

// A PendingNotification keeps the exact DER it was decoded from: that is what
// gets delivered to the SM-DP+ and journaled, byte for byte. Encoding (alone or
// inside RetrieveNotificationsListResponse) emits `der` verbatim when it is set
// (after checking that it decodes), else the DER of `value`.
struct OtherSignedNotification {
  NotificationMetadata tbsOtherNotification;
  Bytes euiccNotificationSignature;     // r||s, 64 bytes for P-256
  Bytes euiccCertificate;               // DER X.509, opaque
  Bytes eumCertificate;                 // DER X.509, opaque
};
struct ProfileInstallationResult {
  Bytes transactionId;
  NotificationMetadata notificationMetadata;
  std::string smdpOid;                  // dotted decimal; empty = absent
  bool success = false;                 // finalResult CHOICE
  std::optional<Bytes> successAid;
  std::optional<Bytes> simaResponse;
  std::optional<int64_t> bppCommandId;
  std::optional<int64_t> errorReason;
  Bytes euiccSignPIR;
};
struct PendingNotification {
  std::variant<ProfileInstallationResult, OtherSignedNotification> value;
  Bytes der;                            // the whole element as the eUICC sent it
  // The metadata of either alternative.
  const NotificationMetadata& metadata() const;
};

struct RetrieveNotificationsListRequest {
  // searchCriteria CHOICE: seqNumber or profileManagementOperation (always wrapped in A0).
  std::optional<std::variant<int64_t, NotificationEvents>> searchCriteria;
};
struct RetrieveNotificationsListResponse {
  std::optional<std::vector<PendingNotification>> notificationList;
  std::optional<int64_t> notificationsListResultError;  // 1 noResultAvailable, 127 undefinedError
};

struct NotificationSentRequest { int64_t seqNumber = 0; };
struct NotificationSentResponse { int64_t deleteNotificationStatus = 0; };

// ---- CancelSession (BF41) -------------------------------------------------------
struct CancelSessionRequest { Bytes transactionId; int64_t reason = 0; };
struct CancelSessionResponse {
  // DER of CancelSessionResponseOk as a universal SEQUENCE (30 { 30 euiccCancelSessionSigned,
  // 5F37 signature }), opaque; on the wire the CHOICE's [0] replaces that 30 with A0.
  std::optional<Bytes> cancelSessionResponseOk;
  std::optional<int64_t> cancelSessionResponseError;
};

}  // namespace esim::es10
