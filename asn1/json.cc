// JSON views of the ES10 model types and SGP.22 names of codes (see json.h).
#include "asn1/json.h"

#include <array>
#include <map>
#include <utility>

#include "common/bytes.h"

namespace esim::es10 {

using nlohmann::json;

namespace {

using NameTable = std::map<int64_t, const char*>;

// Result codes per response tag (SGP.22 RSPDefinitions).
const std::map<uint16_t, NameTable>& ResultTables() {
  static const std::map<uint16_t, NameTable> tables{
      {0xBF31, {{0, "ok"}, {1, "iccidOrAidNotFound"}, {2, "profileNotInDisabledState"},
                {3, "disallowedByPolicy"}, {4, "wrongProfileReenabling"}, {5, "catBusy"},
                {127, "undefinedError"}}},
      {0xBF32, {{0, "ok"}, {1, "iccidOrAidNotFound"}, {2, "profileNotInEnabledState"},
                {3, "disallowedByPolicy"}, {5, "catBusy"}, {127, "undefinedError"}}},
      {0xBF33, {{0, "ok"}, {1, "iccidOrAidNotFound"}, {2, "profileNotInDisabledState"},
                {3, "disallowedByPolicy"}, {127, "undefinedError"}}},
      {0xBF29, {{0, "ok"}, {1, "iccidNotFound"}, {127, "undefinedError"}}},
      {0xBF34, {{0, "ok"}, {1, "nothingToDelete"}, {5, "catBusy"}, {127, "undefinedError"}}},
      {0xBF3F, {{0, "ok"}, {127, "undefinedError"}}},
      {0xBF30, {{0, "ok"}, {1, "nothingToDelete"}, {127, "undefinedError"}}},
      {0xBF2D, {{1, "incorrectInputValues"}, {127, "undefinedError"}}},
      {0xBF28, {{127, "undefinedError"}}},
      {0xBF2B, {{1, "noResultAvailable"}, {127, "undefinedError"}}},
      {0xBF41, {{5, "invalidTransactionId"}, {127, "undefinedError"}}},
  };
  return tables;
}

const NameTable& CancelSessionReasons() {
  static const NameTable names{
      {0, "endUserRejection"}, {1, "postponed"},     {2, "timeout"}, {3, "pprNotAllowed"},
      {4, "metadataMismatch"}, {5, "loadBppExecutionError"}, {127, "undefinedReason"}};
  return names;
}

const NameTable& BppCommandIds() {
  static const NameTable names{
      {0, "initialiseSecureChannel"}, {1, "configureISDP"}, {2, "storeMetadata"},
      {3, "storeMetadata2"},          {4, "replaceSessionKeys"}, {5, "loadProfileElements"}};
  return names;
}

const NameTable& ErrorReasons() {
  static const NameTable names{
      {1, "incorrectInputValues"},
      {2, "invalidSignature"},
      {3, "invalidTransactionId"},
      {4, "unsupportedCrtValues"},
      {5, "unsupportedRemoteOperationType"},
      {6, "unsupportedProfileClass"},
      {7, "scp03tStructureError"},
      {8, "scp03tSecurityError"},
      {9, "installFailedDueToIccidAlreadyExistsOnEuicc"},
      {10, "installFailedDueToInsufficientMemoryForProfile"},
      {11, "installFailedDueToInterruption"},
      {12, "installFailedDueToPEProcessingError"},
      {13, "installFailedDueToDataMismatch"},
      {14, "testProfileInstallFailedDueToInvalidNaaKey"},
      {15, "pprNotAllowed"},
      {127, "installFailedDueToUnknownError"}};
  return names;
}

const NameTable& EuiccCategories() {
  static const NameTable names{{0, "other"}, {1, "basicEuicc"}, {2, "mediumEuicc"}, {3, "contactlessEuicc"}};
  return names;
}

// A named value as JSON: its name, or the number when it has none.
json Named(const NameTable& names, int64_t value) {
  auto it = names.find(value);
  return it != names.end() ? json(it->second) : json(value);
}

std::string NameOrNumber(const NameTable& names, int64_t value) {
  auto it = names.find(value);
  return it != names.end() ? std::string(it->second) : std::to_string(value);
}

json Result(uint16_t tag, int64_t code) {
  auto table = ResultTables().find(tag);
  return table != ResultTables().end() ? Named(table->second, code) : json(code);
}

// Names of the set bits of BIT STRING content octets (bit 0 = MSB of the first).
template <size_t N>
json BitNames(const Bytes& content, const std::array<const char*, N>& names) {
  json out = json::array();
  for (size_t bit = 0; bit < content.size() * 8; ++bit) {
    if ((content[bit / 8] & (0x80u >> (bit % 8))) == 0) continue;
    out.push_back(bit < N ? json(names[bit]) : json("bit" + std::to_string(bit)));
  }
  return out;
}

constexpr std::array<const char*, 19> kUiccCapability = {
    "contactlessSupport", "usimSupport",   "isimSupport",         "csimSupport",
    "akaMilenage",        "akaCave",       "akaTuak128",          "akaTuak256",
    "rfu1",               "rfu2",          "gbaAuthenUsim",       "gbaAuthenISim",
    "mbmsAuthenUsim",     "eapClient",     "javacard",            "multos",
    "multipleUsimSupport", "multipleIsimSupport", "multipleCsimSupport"};
constexpr std::array<const char*, 4> kRspCapability = {"additionalProfile", "crlSupport", "rpmSupport",
                                                       "testProfileSupport"};
constexpr std::array<const char*, 4> kPprIds = {"pprUpdateControl", "ppr1", "ppr2", "ppr3"};
constexpr std::array<const char*, 1> kPprFlags = {"consentRequired"};

json HexList(const std::vector<Bytes>& list) {
  json out = json::array();
  for (const Bytes& item : list) out.push_back(ToHex(item));
  return out;
}

template <typename T>
json JsonList(const std::vector<T>& list) {
  json out = json::array();
  for (const T& item : list) out.push_back(ToJson(item));
  return out;
}

}  // namespace

std::string JsonText(const json& document, int indent) {
  return document.dump(indent, ' ', false, json::error_handler_t::replace);
}

// ---- Names ------------------------------------------------------------------------------

std::string ResultCodeName(uint16_t outer_tag, int64_t code) {
  auto table = ResultTables().find(outer_tag);
  return table != ResultTables().end() ? NameOrNumber(table->second, code) : std::to_string(code);
}
std::string EnableResultName(int64_t code) { return ResultCodeName(0xBF31, code); }
std::string DisableResultName(int64_t code) { return ResultCodeName(0xBF32, code); }
std::string DeleteResultName(int64_t code) { return ResultCodeName(0xBF33, code); }
std::string SetNicknameResultName(int64_t code) { return ResultCodeName(0xBF29, code); }
std::string EuiccMemoryResetResultName(int64_t code) { return ResultCodeName(0xBF34, code); }
std::string SetDefaultDpAddressResultName(int64_t code) { return ResultCodeName(0xBF3F, code); }
std::string NotificationSentResultName(int64_t code) { return ResultCodeName(0xBF30, code); }
std::string CancelSessionReasonName(int64_t reason) { return NameOrNumber(CancelSessionReasons(), reason); }

std::string ProfileStateName(ProfileState state) {
  return state == ProfileState::kEnabled ? "enabled" : "disabled";
}

std::string ProfileClassName(ProfileClass profile_class) {
  switch (profile_class) {
    case ProfileClass::kTest:
      return "test";
    case ProfileClass::kProvisioning:
      return "provisioning";
    case ProfileClass::kOperational:
      return "operational";
  }
  return std::to_string(static_cast<int>(profile_class));
}

std::string IconTypeName(IconType icon_type) { return icon_type == IconType::kPng ? "png" : "jpg"; }

json EventNames(const NotificationEvents& events) {
  json out = json::array();
  if (events.install) out.push_back("install");
  if (events.enable) out.push_back("enable");
  if (events.disable) out.push_back("disable");
  if (events.deletion) out.push_back("delete");
  return out;
}

std::string VersionText(const Bytes& version) {
  if (version.size() != 3) return ToHex(version);
  return std::to_string(version[0]) + "." + std::to_string(version[1]) + "." + std::to_string(version[2]);
}

// ---- Shared vocabulary ----------------------------------------------------------------------

json ToJson(const NotificationEvents& events) { return EventNames(events); }

json ToJson(const ProfilePolicyRules& rules) {
  json out = json::array();
  if (rules.ppr1) out.push_back("ppr1");
  if (rules.ppr2) out.push_back("ppr2");
  return out;
}

json ToJson(const IsdpAid& aid) { return ToHex(aid.aid); }

json ToJson(const ProfileId& id) {
  if (const auto* aid = std::get_if<IsdpAid>(&id)) return {{"isdpAid", ToHex(aid->aid)}};
  return {{"iccid", std::get<Iccid>(id)}};
}

json ToJson(const NotificationConfigurationInformation& info) {
  return {{"profileManagementOperation", EventNames(info.profileManagementOperation)},
          {"notificationAddress", info.notificationAddress}};
}

json ToJson(const OperatorId& id) {
  json out = {{"mccMnc", ToHex(id.mccMnc)}};
  if (id.gid1) out["gid1"] = ToHex(*id.gid1);
  if (id.gid2) out["gid2"] = ToHex(*id.gid2);
  return out;
}

json ToJson(const ProfileInfo& profile) {
  json out = json::object();
  if (profile.iccid) out["iccid"] = *profile.iccid;
  if (profile.isdpAid) out["isdpAid"] = ToHex(*profile.isdpAid);
  if (profile.profileState) out["profileState"] = ProfileStateName(*profile.profileState);
  if (profile.profileNickname) out["profileNickname"] = *profile.profileNickname;
  if (profile.serviceProviderName) out["serviceProviderName"] = *profile.serviceProviderName;
  if (profile.profileName) out["profileName"] = *profile.profileName;
  if (profile.iconType) out["iconType"] = IconTypeName(*profile.iconType);
  if (profile.icon) out["icon"] = ToHex(*profile.icon);
  if (profile.profileClass) out["profileClass"] = ProfileClassName(*profile.profileClass);
  if (profile.notificationConfigurationInfo) {
    out["notificationConfigurationInfo"] = JsonList(*profile.notificationConfigurationInfo);
  }
  if (profile.profileOwner) out["profileOwner"] = ToJson(*profile.profileOwner);
  if (profile.dpProprietaryData) out["dpProprietaryData"] = ToHex(*profile.dpProprietaryData);
  if (profile.profilePolicyRules) out["profilePolicyRules"] = ToJson(*profile.profilePolicyRules);
  if (profile.serviceSpecificData) out["serviceSpecificData"] = ToHex(*profile.serviceSpecificData);
  return out;
}

// ---- Messages ---------------------------------------------------------------------------------

json ToJson(const GetEuiccDataRequest& message) { return {{"tagList", ToHex(message.tagList)}}; }
json ToJson(const GetEuiccDataResponse& message) { return {{"eidValue", message.eidValue}}; }
json ToJson(const GetEuiccInfo1Request&) { return json::object(); }

json ToJson(const EuiccInfo1& message) {
  return {{"svn", VersionText(message.svn)},
          {"euiccCiPKIdListForVerification", HexList(message.euiccCiPKIdListForVerification)},
          {"euiccCiPKIdListForSigning", HexList(message.euiccCiPKIdListForSigning)}};
}

json ToJson(const GetEuiccInfo2Request&) { return json::object(); }

json ToJson(const EuiccInfo2& message) {
  json out = {{"profileVersion", VersionText(message.profileVersion)},
              {"svn", VersionText(message.svn)},
              {"euiccFirmwareVer", VersionText(message.euiccFirmwareVer)},
              {"extCardResource", ToHex(message.extCardResource)},
              {"uiccCapability", BitNames(message.uiccCapability, kUiccCapability)}};
  if (message.ts102241Version) out["ts102241Version"] = VersionText(*message.ts102241Version);
  if (message.globalplatformVersion) out["globalplatformVersion"] = VersionText(*message.globalplatformVersion);
  out["rspCapability"] = BitNames(message.rspCapability, kRspCapability);
  out["euiccCiPKIdListForVerification"] = HexList(message.euiccCiPKIdListForVerification);
  out["euiccCiPKIdListForSigning"] = HexList(message.euiccCiPKIdListForSigning);
  if (message.euiccCategory) out["euiccCategory"] = Named(EuiccCategories(), *message.euiccCategory);
  if (message.forbiddenProfilePolicyRules) {
    out["forbiddenProfilePolicyRules"] = BitNames(*message.forbiddenProfilePolicyRules, kPprIds);
  }
  out["ppVersion"] = VersionText(message.ppVersion);
  out["sasAcreditationNumber"] = message.sasAcreditationNumber;
  if (message.platformLabel || message.discoveryBaseURL) {
    json certification = json::object();
    if (message.platformLabel) certification["platformLabel"] = *message.platformLabel;
    if (message.discoveryBaseURL) certification["discoveryBaseURL"] = *message.discoveryBaseURL;
    out["certificationDataObject"] = certification;
  }
  return out;
}

json ToJson(const ExtCardResource& resource) {
  json out = json::object();
  if (resource.installedApplications) out["installedApplications"] = *resource.installedApplications;
  if (resource.freeNonVolatileMemory) out["freeNonVolatileMemory"] = *resource.freeNonVolatileMemory;
  if (resource.freeVolatileMemory) out["freeVolatileMemory"] = *resource.freeVolatileMemory;
  return out;
}

json ToJson(const GetProfilesInfoRequest& message) {
  json out = json::object();
  if (message.searchCriteria) {
    const auto& criteria = *message.searchCriteria;
    if (const auto* aid = std::get_if<IsdpAid>(&criteria)) {
      out["searchCriteria"] = {{"isdpAid", ToHex(aid->aid)}};
    } else if (const auto* iccid = std::get_if<Iccid>(&criteria)) {
      out["searchCriteria"] = {{"iccid", *iccid}};
    } else {
      out["searchCriteria"] = {{"profileClass", ProfileClassName(std::get<ProfileClass>(criteria))}};
    }
  }
  if (message.tagList) out["tagList"] = ToHex(*message.tagList);
  return out;
}

json ToJson(const GetProfilesInfoResponse& message) {
  json out = json::object();
  if (message.profileInfoListOk) out["profileInfoListOk"] = JsonList(*message.profileInfoListOk);
  if (message.profileInfoListError) out["profileInfoListError"] = Result(0xBF2D, *message.profileInfoListError);
  return out;
}

json ToJson(const EnableProfileRequest& message) {
  return {{"profileIdentifier", ToJson(message.profileIdentifier)}, {"refreshFlag", message.refreshFlag}};
}
json ToJson(const DisableProfileRequest& message) {
  return {{"profileIdentifier", ToJson(message.profileIdentifier)}, {"refreshFlag", message.refreshFlag}};
}
// DeleteProfileRequest is the CHOICE itself: {"iccid": ...} or {"isdpAid": ...}.
json ToJson(const DeleteProfileRequest& message) { return ToJson(message.profileIdentifier); }

json ToJson(const EnableProfileResponse& message) { return {{"enableResult", Result(0xBF31, message.enableResult)}}; }
json ToJson(const DisableProfileResponse& message) {
  return {{"disableResult", Result(0xBF32, message.disableResult)}};
}
json ToJson(const DeleteProfileResponse& message) { return {{"deleteResult", Result(0xBF33, message.deleteResult)}}; }

json ToJson(const SetNicknameRequest& message) {
  return {{"iccid", message.iccid}, {"profileNickname", message.profileNickname}};
}
json ToJson(const SetNicknameResponse& message) {
  return {{"setNicknameResult", Result(0xBF29, message.setNicknameResult)}};
}

json ToJson(const EuiccMemoryResetRequest& message) {
  json options = json::array();
  if (message.deleteOperationalProfiles) options.push_back("deleteOperationalProfiles");
  if (message.deleteFieldLoadedTestProfiles) options.push_back("deleteFieldLoadedTestProfiles");
  if (message.resetDefaultSmdpAddress) options.push_back("resetDefaultSmdpAddress");
  return {{"resetOptions", options}};
}
json ToJson(const EuiccMemoryResetResponse& message) { return {{"resetResult", Result(0xBF34, message.resetResult)}}; }

json ToJson(const GetEuiccConfiguredAddressesRequest&) { return json::object(); }
json ToJson(const EuiccConfiguredAddressesResponse& message) {
  json out = json::object();
  if (message.defaultDpAddress) out["defaultDpAddress"] = *message.defaultDpAddress;
  out["rootDsAddress"] = message.rootDsAddress;
  return out;
}
json ToJson(const SetDefaultDpAddressRequest& message) { return {{"defaultDpAddress", message.defaultDpAddress}}; }
json ToJson(const SetDefaultDpAddressResponse& message) {
  return {{"setDefaultDpAddressResult", Result(0xBF3F, message.setDefaultDpAddressResult)}};
}

json ToJson(const GetRatRequest&) { return json::object(); }
json ToJson(const ProfilePolicyAuthorisationRule& rule) {
  return {{"pprIds", BitNames(rule.pprIds, kPprIds)},
          {"allowedOperators", JsonList(rule.allowedOperators)},
          {"pprFlags", BitNames(rule.pprFlags, kPprFlags)}};
}
json ToJson(const RulesAuthorisationTable& message) { return {{"rat", JsonList(message.rat)}}; }

json ToJson(const NotificationMetadata& metadata) {
  json out = {{"seqNumber", metadata.seqNumber},
              {"profileManagementOperation", EventNames(metadata.profileManagementOperation)},
              {"notificationAddress", metadata.notificationAddress}};
  if (metadata.iccid) out["iccid"] = *metadata.iccid;
  return out;
}

json ToJson(const ListNotificationRequest& message) {
  json out = json::object();
  if (message.profileManagementOperation) {
    out["profileManagementOperation"] = EventNames(*message.profileManagementOperation);
  }
  return out;
}

json ToJson(const ListNotificationResponse& message) {
  json out = json::object();
  if (message.notificationMetadataList) out["notificationMetadataList"] = JsonList(*message.notificationMetadataList);
  if (message.listNotificationsResultError) {
    out["listNotificationsResultError"] = Result(0xBF28, *message.listNotificationsResultError);
  }
  return out;
}

json ToJson(const OtherSignedNotification& notification) {
  return {{"tbsOtherNotification", ToJson(notification.tbsOtherNotification)},
          {"euiccNotificationSignature", ToHex(notification.euiccNotificationSignature)},
          {"euiccCertificate", ToHex(notification.euiccCertificate)},
          {"eumCertificate", ToHex(notification.eumCertificate)}};
}

json ToJson(const ProfileInstallationResult& result) {
  json data = {{"transactionId", ToHex(result.transactionId)},
               {"notificationMetadata", ToJson(result.notificationMetadata)}};
  if (!result.smdpOid.empty()) data["smdpOid"] = result.smdpOid;
  if (result.success) {
    json success = json::object();
    if (result.successAid) success["aid"] = ToHex(*result.successAid);
    if (result.simaResponse) success["simaResponse"] = ToHex(*result.simaResponse);
    data["finalResult"] = {{"successResult", success}};
  } else {
    json error = json::object();
    if (result.bppCommandId) error["bppCommandId"] = Named(BppCommandIds(), *result.bppCommandId);
    if (result.errorReason) error["errorReason"] = Named(ErrorReasons(), *result.errorReason);
    if (result.simaResponse) error["simaResponse"] = ToHex(*result.simaResponse);
    data["finalResult"] = {{"errorResult", error}};
  }
  return {{"profileInstallationResultData", data}, {"euiccSignPIR", ToHex(result.euiccSignPIR)}};
}

json ToJson(const PendingNotification& notification) {
  if (const auto* install = std::get_if<ProfileInstallationResult>(&notification.value)) {
    return {{"profileInstallationResult", ToJson(*install)}};
  }
  return {{"otherSignedNotification", ToJson(std::get<OtherSignedNotification>(notification.value))}};
}

json ToJson(const RetrieveNotificationsListRequest& message) {
  json out = json::object();
  if (message.searchCriteria) {
    if (const auto* seq = std::get_if<int64_t>(&*message.searchCriteria)) {
      out["searchCriteria"] = {{"seqNumber", *seq}};
    } else {
      out["searchCriteria"] = {
          {"profileManagementOperation", EventNames(std::get<NotificationEvents>(*message.searchCriteria))}};
    }
  }
  return out;
}

json ToJson(const RetrieveNotificationsListResponse& message) {
  json out = json::object();
  if (message.notificationList) out["notificationList"] = JsonList(*message.notificationList);
  if (message.notificationsListResultError) {
    out["notificationsListResultError"] = Result(0xBF2B, *message.notificationsListResultError);
  }
  return out;
}

json ToJson(const NotificationSentRequest& message) { return {{"seqNumber", message.seqNumber}}; }
json ToJson(const NotificationSentResponse& message) {
  return {{"deleteNotificationStatus", Result(0xBF30, message.deleteNotificationStatus)}};
}

json ToJson(const CancelSessionRequest& message) {
  return {{"transactionId", ToHex(message.transactionId)},
          {"reason", Named(CancelSessionReasons(), message.reason)}};
}
json ToJson(const CancelSessionResponse& message) {
  json out = json::object();
  if (message.cancelSessionResponseOk) out["cancelSessionResponseOk"] = ToHex(*message.cancelSessionResponseOk);
  if (message.cancelSessionResponseError) {
    out["cancelSessionResponseError"] = Result(0xBF41, *message.cancelSessionResponseError);
  }
  return out;
}

}  // namespace esim::es10
