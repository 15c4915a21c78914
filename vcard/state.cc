// Loading, validating and atomically saving the virtual eUICC's JSON state file.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include <nlohmann/json.hpp>

#include "vcard/card_state.h"
#include "vcard/der.h"
#include "vcard/state_codings.h"

namespace esim::vcard {
namespace {

using nlohmann::json;

Status Bad(const std::string& field, const std::string& why) {
  return Status(ErrorCode::kInvalidInput, field + ": " + why);
}

// Member access with the field path in every error.
class Obj {
 public:
  Obj(const json& j, std::string path) : j_(j), path_(std::move(path)) {}
  std::string Path(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
  bool Has(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  const json& At(const std::string& key) const { return j_.at(key); }

  Result<std::optional<std::string>> OptString(const std::string& key, size_t max_bytes = 0) const {
    if (!Has(key)) return std::optional<std::string>();
    if (!At(key).is_string()) return Bad(Path(key), "must be a string");
    std::string s = At(key).get<std::string>();
    if (max_bytes && s.size() > max_bytes) {
      return Bad(Path(key), "longer than " + std::to_string(max_bytes) + " bytes");
    }
    return std::optional<std::string>(s);
  }
  Result<std::string> String(const std::string& key, size_t max_bytes = 0) const {
    ESIM_ASSIGN_OR_RETURN(auto s, OptString(key, max_bytes));
    if (!s) return Bad(Path(key), "missing");
    return *s;
  }
  Result<std::optional<Bytes>> OptHex(const std::string& key) const {
    ESIM_ASSIGN_OR_RETURN(auto s, OptString(key));
    if (!s) return std::optional<Bytes>();
    auto b = FromHex(*s);
    if (!b.ok()) return Bad(Path(key), b.status().message());
    return std::optional<Bytes>(*b);
  }
  Result<Bytes> Hex(const std::string& key) const {
    ESIM_ASSIGN_OR_RETURN(auto b, OptHex(key));
    if (!b) return Bad(Path(key), "missing");
    return *b;
  }
  Result<std::optional<int64_t>> OptInt(const std::string& key, int64_t min, int64_t max) const {
    if (!Has(key)) return std::optional<int64_t>();
    if (!At(key).is_number_integer()) return Bad(Path(key), "must be an integer");
    int64_t v = At(key).get<int64_t>();
    if (v < min || v > max) {
      return Bad(Path(key), "must be in " + std::to_string(min) + ".." + std::to_string(max));
    }
    return std::optional<int64_t>(v);
  }
  Result<bool> Bool(const std::string& key, bool dflt) const {
    if (!Has(key)) return dflt;
    if (!At(key).is_boolean()) return Bad(Path(key), "must be true or false");
    return At(key).get<bool>();
  }
  Result<Bytes> Version(const std::string& key) const {
    ESIM_ASSIGN_OR_RETURN(std::string s, String(key));
    auto v = ParseVersion(s);
    if (!v.ok()) return Bad(Path(key), v.status().message());
    return *v;
  }

 private:
  const json& j_;
  std::string path_;
};

Result<es10::NotificationEvents> ParseEvents(const json& j, const std::string& path, bool exactly_one) {
  if (!j.is_array() || j.empty()) return Bad(path, "must be a non-empty array of event names");
  es10::NotificationEvents ev;
  for (const json& name : j) {
    std::string n = name.is_string() ? name.get<std::string>() : "";
    if (n == "install") ev.install = true;
    else if (n == "enable") ev.enable = true;
    else if (n == "disable") ev.disable = true;
    else if (n == "delete") ev.deletion = true;
    else return Bad(path, "unknown event (install, enable, disable, delete)");
  }
  if (exactly_one && j.size() != 1) return Bad(path, "must name exactly one event");
  return ev;
}

json EventsToJson(const es10::NotificationEvents& ev) {
  json out = json::array();
  if (ev.install) out.push_back("install");
  if (ev.enable) out.push_back("enable");
  if (ev.disable) out.push_back("disable");
  if (ev.deletion) out.push_back("delete");
  return out;
}

std::string EventName(const es10::NotificationEvents& ev) { return EventsToJson(ev).at(0).get<std::string>(); }

Result<std::vector<Bytes>> HexList(const Obj& o, const std::string& key) {
  std::vector<Bytes> out;
  if (!o.Has(key)) return out;
  if (!o.At(key).is_array()) return Bad(o.Path(key), "must be an array of hex strings");
  for (size_t i = 0; i < o.At(key).size(); ++i) {
    const json& e = o.At(key)[i];
    auto b = e.is_string() ? FromHex(e.get<std::string>()) : Result<Bytes>(Status(ErrorCode::kInvalidInput, "must be a hex string"));
    if (!b.ok()) return Bad(o.Path(key) + "[" + std::to_string(i) + "]", b.status().message());
    out.push_back(*b);
  }
  return out;
}

Result<es10::OperatorId> ParseOperator(const json& j, const std::string& path) {
  if (!j.is_object()) return Bad(path, "must be an object");
  Obj o(j, path);
  es10::OperatorId op;
  ESIM_ASSIGN_OR_RETURN(std::string mccmnc, o.String("mccMnc"));
  auto plmn = MccMncToBytes(mccmnc);
  if (!plmn.ok()) return Bad(o.Path("mccMnc"), plmn.status().message());
  op.mccMnc = *plmn;
  ESIM_ASSIGN_OR_RETURN(op.gid1, o.OptHex("gid1"));
  ESIM_ASSIGN_OR_RETURN(op.gid2, o.OptHex("gid2"));
  return op;
}

json OperatorToJson(const es10::OperatorId& op) {
  json out = {{"mccMnc", MccMncText(op.mccMnc)}};
  if (op.gid1) out["gid1"] = ToHex(*op.gid1);
  if (op.gid2) out["gid2"] = ToHex(*op.gid2);
  return out;
}

Result<es10::EuiccInfo2> ParseInfo2(const json& j, const std::string& path) {
  if (!j.is_object()) return Bad(path, "must be an object");
  Obj o(j, path);
  es10::EuiccInfo2 info;
  ESIM_ASSIGN_OR_RETURN(info.profileVersion, o.Version("profileVersion"));
  ESIM_ASSIGN_OR_RETURN(info.svn, o.Version("svn"));
  ESIM_ASSIGN_OR_RETURN(info.euiccFirmwareVer, o.Version("firmwareVersion"));
  if (!o.Has("extCardResource") || !o.At("extCardResource").is_object()) {
    return Bad(o.Path("extCardResource"), "missing (an object with freeNonVolatileMemory, ...)");
  }
  Obj ext(o.At("extCardResource"), o.Path("extCardResource"));
  const std::pair<const char*, uint32_t> kExt[] = {
      {"installedApplications", 0x81}, {"freeNonVolatileMemory", 0x82}, {"freeVolatileMemory", 0x83}};
  for (auto [key, tag] : kExt) {
    ESIM_ASSIGN_OR_RETURN(auto v, ext.OptInt(key, 0, 0xFFFFFFFF));
    if (!v) continue;
    // Real cards send these as unsigned big-endian numbers without a sign byte.
    Bytes num;
    for (int i = 3; i >= 0; --i) num.push_back(static_cast<uint8_t>(*v >> (8 * i)));
    while (num.size() > 1 && num[0] == 0) num.erase(num.begin());
    der::Append(info.extCardResource, tag, num);
  }
  ESIM_ASSIGN_OR_RETURN(info.uiccCapability, o.Hex("uiccCapability"));
  if (o.Has("ts102241Version")) {
    ESIM_ASSIGN_OR_RETURN(Bytes v, o.Version("ts102241Version"));
    info.ts102241Version = v;
  }
  if (o.Has("globalplatformVersion")) {
    ESIM_ASSIGN_OR_RETURN(Bytes v, o.Version("globalplatformVersion"));
    info.globalplatformVersion = v;
  }
  ESIM_ASSIGN_OR_RETURN(info.rspCapability, o.Hex("rspCapability"));
  ESIM_ASSIGN_OR_RETURN(info.euiccCiPKIdListForVerification, HexList(o, "ciPKIdsForVerification"));
  if (o.Has("ciPKIdsForSigning")) {
    ESIM_ASSIGN_OR_RETURN(info.euiccCiPKIdListForSigning, HexList(o, "ciPKIdsForSigning"));
  } else {
    info.euiccCiPKIdListForSigning = info.euiccCiPKIdListForVerification;
  }
  ESIM_ASSIGN_OR_RETURN(info.euiccCategory, o.OptInt("euiccCategory", 0, 3));
  ESIM_ASSIGN_OR_RETURN(info.forbiddenProfilePolicyRules, o.OptHex("forbiddenProfilePolicyRules"));
  ESIM_ASSIGN_OR_RETURN(info.ppVersion, o.Version("ppVersion"));
  ESIM_ASSIGN_OR_RETURN(info.sasAcreditationNumber, o.String("sasAcreditationNumber", 64));
  ESIM_ASSIGN_OR_RETURN(info.platformLabel, o.OptString("platformLabel"));
  ESIM_ASSIGN_OR_RETURN(info.discoveryBaseURL, o.OptString("discoveryBaseURL"));
  return info;
}

Result<es10::ProfileInfo> ParseProfile(const json& j, const std::string& path) {
  if (!j.is_object()) return Bad(path, "must be an object");
  Obj o(j, path);
  es10::ProfileInfo p;
  ESIM_ASSIGN_OR_RETURN(std::string iccid, o.String("iccid"));
  auto bcd = IccidToBcd(iccid);
  if (!bcd.ok()) return Bad(o.Path("iccid"), bcd.status().message());
  p.iccid = iccid;
  ESIM_ASSIGN_OR_RETURN(Bytes aid, o.Hex("isdpAid"));
  if (aid.empty() || aid.size() > 16) return Bad(o.Path("isdpAid"), "must be 1-16 bytes");
  p.isdpAid = aid;
  ESIM_ASSIGN_OR_RETURN(std::string state, o.String("state"));
  if (state != "enabled" && state != "disabled") return Bad(o.Path("state"), "must be \"enabled\" or \"disabled\"");
  p.profileState = state == "enabled" ? es10::ProfileState::kEnabled : es10::ProfileState::kDisabled;
  ESIM_ASSIGN_OR_RETURN(p.profileNickname, o.OptString("nickname", 64));
  ESIM_ASSIGN_OR_RETURN(p.serviceProviderName, o.OptString("serviceProviderName", 32));
  ESIM_ASSIGN_OR_RETURN(p.profileName, o.OptString("profileName", 64));
  ESIM_ASSIGN_OR_RETURN(auto cls, o.OptString("profileClass"));
  if (cls) {
    if (*cls == "test") p.profileClass = es10::ProfileClass::kTest;
    else if (*cls == "provisioning") p.profileClass = es10::ProfileClass::kProvisioning;
    else if (*cls == "operational") p.profileClass = es10::ProfileClass::kOperational;
    else return Bad(o.Path("profileClass"), "must be test, provisioning or operational");
  }
  ESIM_ASSIGN_OR_RETURN(auto icon_type, o.OptString("iconType"));
  if (icon_type) {
    if (*icon_type == "png") p.iconType = es10::IconType::kPng;
    else if (*icon_type == "jpg") p.iconType = es10::IconType::kJpg;
    else return Bad(o.Path("iconType"), "must be png or jpg");
  }
  ESIM_ASSIGN_OR_RETURN(auto icon_b64, o.OptString("icon"));
  ESIM_ASSIGN_OR_RETURN(auto icon_hex, o.OptHex("iconHex"));
  if (icon_b64) {
    auto icon = Base64Decode(*icon_b64);
    if (!icon.ok()) return Bad(o.Path("icon"), icon.status().message());
    p.icon = *icon;
  } else if (icon_hex) {
    p.icon = *icon_hex;
  }
  if (p.icon && p.icon->size() > 1024) return Bad(o.Path(icon_b64 ? "icon" : "iconHex"), "longer than 1024 bytes");
  if (p.icon && !p.iconType) return Bad(o.Path("iconType"), "missing (required with an icon)");
  if (o.Has("notificationConfigurationInfo")) {
    const json& list = o.At("notificationConfigurationInfo");
    std::string lpath = o.Path("notificationConfigurationInfo");
    if (!list.is_array()) return Bad(lpath, "must be an array");
    std::vector<es10::NotificationConfigurationInformation> infos;
    for (size_t i = 0; i < list.size(); ++i) {
      std::string ipath = lpath + "[" + std::to_string(i) + "]";
      if (!list[i].is_object()) return Bad(ipath, "must be an object");
      Obj item(list[i], ipath);
      es10::NotificationConfigurationInformation info;
      if (!item.Has("events")) return Bad(item.Path("events"), "missing");
      ESIM_ASSIGN_OR_RETURN(info.profileManagementOperation, ParseEvents(item.At("events"), item.Path("events"), false));
      ESIM_ASSIGN_OR_RETURN(info.notificationAddress, item.String("address"));
      infos.push_back(info);
    }
    p.notificationConfigurationInfo = infos;
  }
  if (o.Has("profileOwner")) {
    ESIM_ASSIGN_OR_RETURN(p.profileOwner, ParseOperator(o.At("profileOwner"), o.Path("profileOwner")));
  }
  // Opaque elements, kept as whole DER (tag included) like the model does.
  for (auto [key, tag, tag_text, member] :
       {std::tuple{"dpProprietaryData", 0xB8u, "B8", &p.dpProprietaryData},
        std::tuple{"serviceSpecificData", 0xBF22u, "BF22", &p.serviceSpecificData}}) {
    ESIM_ASSIGN_OR_RETURN(*member, o.OptHex(key));
    if (!*member) continue;
    auto tlv = der::ParseSingle(**member);
    if (!tlv.ok() || tlv->tag != tag) {
      return Bad(o.Path(key), std::string("must be one DER element with tag ") + tag_text);
    }
  }
  if (o.Has("profilePolicyRules")) {
    if (!o.At("profilePolicyRules").is_object()) return Bad(o.Path("profilePolicyRules"), "must be an object");
    Obj ppr(o.At("profilePolicyRules"), o.Path("profilePolicyRules"));
    es10::ProfilePolicyRules rules;
    ESIM_ASSIGN_OR_RETURN(rules.ppr1, ppr.Bool("ppr1", false));
    ESIM_ASSIGN_OR_RETURN(rules.ppr2, ppr.Bool("ppr2", false));
    p.profilePolicyRules = rules;
  }
  return p;
}

json ProfileToJson(const es10::ProfileInfo& p) {
  json out;
  out["iccid"] = p.iccid.value_or("");
  out["isdpAid"] = ToHex(p.isdpAid.value_or(Bytes{}));
  out["state"] = p.profileState == es10::ProfileState::kEnabled ? "enabled" : "disabled";
  if (p.profileNickname) out["nickname"] = *p.profileNickname;
  if (p.serviceProviderName) out["serviceProviderName"] = *p.serviceProviderName;
  if (p.profileName) out["profileName"] = *p.profileName;
  if (p.profileClass) {
    static const char* kNames[] = {"test", "provisioning", "operational"};
    out["profileClass"] = kNames[static_cast<int>(*p.profileClass)];
  }
  if (p.iconType) out["iconType"] = *p.iconType == es10::IconType::kPng ? "png" : "jpg";
  if (p.icon) out["icon"] = Base64Encode(*p.icon);
  if (p.notificationConfigurationInfo) {
    json list = json::array();
    for (const auto& info : *p.notificationConfigurationInfo) {
      list.push_back({{"events", EventsToJson(info.profileManagementOperation)},
                      {"address", info.notificationAddress}});
    }
    out["notificationConfigurationInfo"] = list;
  }
  if (p.profileOwner) out["profileOwner"] = OperatorToJson(*p.profileOwner);
  if (p.dpProprietaryData) out["dpProprietaryData"] = ToHex(*p.dpProprietaryData);
  if (p.serviceSpecificData) out["serviceSpecificData"] = ToHex(*p.serviceSpecificData);
  if (p.profilePolicyRules) {
    out["profilePolicyRules"] = {{"ppr1", p.profilePolicyRules->ppr1}, {"ppr2", p.profilePolicyRules->ppr2}};
  }
  return out;
}

Result<es10::NotificationMetadata> ParseNotification(const json& j, const std::string& path,
                                                     std::map<int64_t, Bytes>& signatures,
                                                     std::map<int64_t, Bytes>& results) {
  if (!j.is_object()) return Bad(path, "must be an object");
  Obj o(j, path);
  es10::NotificationMetadata n;
  ESIM_ASSIGN_OR_RETURN(auto seq, o.OptInt("seqNumber", 0, INT32_MAX));
  if (!seq) return Bad(o.Path("seqNumber"), "missing");
  n.seqNumber = *seq;
  ESIM_ASSIGN_OR_RETURN(std::string event, o.String("event"));
  ESIM_ASSIGN_OR_RETURN(n.profileManagementOperation, ParseEvents(json::array({event}), o.Path("event"), true));
  ESIM_ASSIGN_OR_RETURN(n.notificationAddress, o.String("address"));
  ESIM_ASSIGN_OR_RETURN(n.iccid, o.OptString("iccid"));
  if (n.iccid && !IccidToBcd(*n.iccid).ok()) return Bad(o.Path("iccid"), "must have 18-20 digits");
  ESIM_ASSIGN_OR_RETURN(auto signature, o.OptHex("signature"));
  if (signature) {
    if (signature->size() != 64) return Bad(o.Path("signature"), "must be 64 bytes (r||s)");
    signatures[n.seqNumber] = *signature;
  }
  ESIM_ASSIGN_OR_RETURN(auto result, o.OptHex("profileInstallationResult"));
  if (result) {
    if (!n.profileManagementOperation.install || result->size() < 4 || (*result)[0] != 0xBF || (*result)[1] != 0x37) {
      return Bad(o.Path("profileInstallationResult"), "must be a BF37 element of an install notification");
    }
    results[n.seqNumber] = *result;
  }
  return n;
}

Result<es10::ProfilePolicyAuthorisationRule> ParseRule(const json& j, const std::string& path) {
  if (!j.is_object()) return Bad(path, "must be an object");
  Obj o(j, path);
  es10::ProfilePolicyAuthorisationRule rule;
  ESIM_ASSIGN_OR_RETURN(rule.pprIds, o.Hex("pprIds"));
  ESIM_ASSIGN_OR_RETURN(rule.pprFlags, o.Hex("pprFlags"));
  if (o.Has("allowedOperators")) {
    const json& ops = o.At("allowedOperators");
    if (!ops.is_array()) return Bad(o.Path("allowedOperators"), "must be an array");
    for (size_t i = 0; i < ops.size(); ++i) {
      ESIM_ASSIGN_OR_RETURN(auto op, ParseOperator(ops[i], o.Path("allowedOperators") + "[" + std::to_string(i) + "]"));
      rule.allowedOperators.push_back(op);
    }
  }
  return rule;
}

Result<std::string> ResolvePath(const Obj& o, const std::string& key, const std::string& base_dir) {
  ESIM_ASSIGN_OR_RETURN(std::string p, o.String(key));
  std::filesystem::path path(p);
  if (path.is_relative()) path = std::filesystem::path(base_dir) / path;
  return path.lexically_normal().string();
}

Result<CardState> ParseDocument(const json& doc, const std::string& base_dir) {
  if (!doc.is_object()) return Bad("(top level)", "must be a JSON object");
  Obj o(doc, "");
  CardState st;
  st.document = doc;
  ESIM_ASSIGN_OR_RETURN(st.eid, o.String("eid"));
  if (!EidCheckValid(st.eid)) return Bad("eid", "must be 32 digits with a valid MOD 97-10 check");
  ESIM_ASSIGN_OR_RETURN(st.isdr_aid, o.Hex("isdrAid"));
  if (st.isdr_aid.size() < 5 || st.isdr_aid.size() > 16) return Bad("isdrAid", "must be 5-16 bytes");
  if (!o.Has("euiccInfo2")) return Bad("euiccInfo2", "missing");
  ESIM_ASSIGN_OR_RETURN(st.info2, ParseInfo2(o.At("euiccInfo2"), "euiccInfo2"));
  if (!o.Has("configuredAddresses") || !o.At("configuredAddresses").is_object()) {
    return Bad("configuredAddresses", "missing (an object with rootDsAddress)");
  }
  Obj addr(o.At("configuredAddresses"), "configuredAddresses");
  ESIM_ASSIGN_OR_RETURN(st.default_dp_address, addr.OptString("defaultDpAddress", 255));
  ESIM_ASSIGN_OR_RETURN(st.root_ds_address, addr.String("rootDsAddress", 255));
  if (o.Has("rat")) {
    if (!o.At("rat").is_array()) return Bad("rat", "must be an array");
    for (size_t i = 0; i < o.At("rat").size(); ++i) {
      ESIM_ASSIGN_OR_RETURN(auto rule, ParseRule(o.At("rat")[i], "rat[" + std::to_string(i) + "]"));
      st.rat.push_back(rule);
    }
  }
  if (!o.Has("profiles") || !o.At("profiles").is_array()) return Bad("profiles", "missing (an array, may be empty)");
  std::set<std::string> iccids;
  std::set<std::string> aids;  // hex: a set of Bytes trips g++ 12's -Wstringop-overread at -O3
  int enabled = 0;
  for (size_t i = 0; i < o.At("profiles").size(); ++i) {
    std::string path = "profiles[" + std::to_string(i) + "]";
    ESIM_ASSIGN_OR_RETURN(auto p, ParseProfile(o.At("profiles")[i], path));
    Obj profile(o.At("profiles")[i], path);
    ESIM_ASSIGN_OR_RETURN(auto size, profile.OptInt("packageSize", 0, 0xFFFFFFFF));
    if (size) st.package_sizes[*p.iccid] = static_cast<uint64_t>(*size);
    if (!iccids.insert(*p.iccid).second) return Bad(path + ".iccid", "duplicate ICCID");
    if (!aids.insert(ToHex(*p.isdpAid)).second) return Bad(path + ".isdpAid", "duplicate ISD-P AID");
    if (p.profileState == es10::ProfileState::kEnabled && ++enabled > 1) {
      return Bad(path + ".state", "more than one profile enabled");
    }
    st.profiles.push_back(p);
  }
  int64_t max_seq = -1;
  if (o.Has("notifications")) {
    if (!o.At("notifications").is_array()) return Bad("notifications", "must be an array");
    std::set<int64_t> seqs;
    for (size_t i = 0; i < o.At("notifications").size(); ++i) {
      std::string path = "notifications[" + std::to_string(i) + "]";
      ESIM_ASSIGN_OR_RETURN(auto n, ParseNotification(o.At("notifications")[i], path, st.notification_signatures,
                                                        st.installation_results));
      if (!seqs.insert(n.seqNumber).second) return Bad(path + ".seqNumber", "duplicate seqNumber");
      max_seq = std::max(max_seq, n.seqNumber);
      st.notifications.push_back(n);
    }
  }
  ESIM_ASSIGN_OR_RETURN(auto next, o.OptInt("nextSeqNumber", 0, INT32_MAX));
  st.next_seq_number = next.value_or(max_seq + 1);
  if (st.next_seq_number <= max_seq) return Bad("nextSeqNumber", "must be above every pending seqNumber");
  if (o.Has("credentials")) {
    if (!o.At("credentials").is_object()) return Bad("credentials", "must be an object");
    Obj cred(o.At("credentials"), "credentials");
    CredentialFiles files;
    ESIM_ASSIGN_OR_RETURN(files.euicc_key, ResolvePath(cred, "euiccKey", base_dir));
    ESIM_ASSIGN_OR_RETURN(files.euicc_certificate, ResolvePath(cred, "euiccCertificate", base_dir));
    ESIM_ASSIGN_OR_RETURN(files.eum_certificate, ResolvePath(cred, "eumCertificate", base_dir));
    st.credentials = files;
  }
  if (o.Has("trustedCiCertificates")) {
    const json& list = o.At("trustedCiCertificates");
    if (!list.is_array()) return Bad("trustedCiCertificates", "must be an array of paths");
    for (size_t i = 0; i < list.size(); ++i) {
      std::string path = "trustedCiCertificates[" + std::to_string(i) + "]";
      if (!list[i].is_string()) return Bad(path, "must be a path");
      std::filesystem::path file(list[i].get<std::string>());
      if (file.is_relative()) file = std::filesystem::path(base_dir) / file;
      st.trusted_ci_certificates.push_back(file.lexically_normal().string());
    }
  }
  if (o.Has("loadInProgress")) {
    if (!o.At("loadInProgress").is_object()) return Bad("loadInProgress", "must be an object");
    Obj load(o.At("loadInProgress"), "loadInProgress");
    LoadInProgress l;
    ESIM_ASSIGN_OR_RETURN(l.transaction_id, load.Hex("transactionId"));
    ESIM_ASSIGN_OR_RETURN(l.smdp_oid, load.String("smdpOid"));
    ESIM_ASSIGN_OR_RETURN(l.server_address, load.String("serverAddress", 255));
    st.load_in_progress = l;
  }
  return st;
}

}  // namespace

Result<CardState> ParseState(const json& document, const std::string& source, const std::string& base_dir) {
  auto st = ParseDocument(document, base_dir);
  if (!st.ok()) return st.status().WithContext(source);
  return st;
}

Result<CardState> LoadState(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIo, path + ": cannot read: " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status(ErrorCode::kIo, path + ": read error");
  json doc;
  try {
    doc = json::parse(text.str());
  } catch (const json::parse_error& e) {
    // The parser's message carries the byte position, which is what a person needs.
    return Status(ErrorCode::kInvalidInput, path + ": not valid JSON: " + e.what());
  }
  std::string base = std::filesystem::path(path).parent_path().string();
  return ParseState(doc, path, base.empty() ? "." : base);
}

json StateToJson(const CardState& st) {
  json doc = st.document.is_object() ? st.document : json::object();
  json profiles = json::array();
  for (const auto& p : st.profiles) {
    json item = ProfileToJson(p);
    if (auto size = st.package_sizes.find(p.iccid.value_or("")); size != st.package_sizes.end()) {
      item["packageSize"] = size->second;
    }
    profiles.push_back(item);
  }
  doc["profiles"] = profiles;
  json notifications = json::array();
  for (const auto& n : st.notifications) {
    json item = {{"seqNumber", n.seqNumber},
                 {"event", EventName(n.profileManagementOperation)},
                 {"address", n.notificationAddress}};
    if (n.iccid) item["iccid"] = *n.iccid;
    if (auto sig = st.notification_signatures.find(n.seqNumber); sig != st.notification_signatures.end()) {
      item["signature"] = ToHex(sig->second);
    }
    if (auto r = st.installation_results.find(n.seqNumber); r != st.installation_results.end()) {
      item["profileInstallationResult"] = ToHex(r->second);
    }
    notifications.push_back(item);
  }
  doc["notifications"] = notifications;
  doc["nextSeqNumber"] = st.next_seq_number;
  json& addr = doc["configuredAddresses"];
  if (st.default_dp_address) {
    addr["defaultDpAddress"] = *st.default_dp_address;
  } else {
    addr.erase("defaultDpAddress");
  }
  addr["rootDsAddress"] = st.root_ds_address;
  if (st.load_in_progress) {
    doc["loadInProgress"] = {{"transactionId", ToHex(st.load_in_progress->transaction_id)},
                             {"smdpOid", st.load_in_progress->smdp_oid},
                             {"serverAddress", st.load_in_progress->server_address}};
  } else {
    doc.erase("loadInProgress");
  }
  if (auto free = FreeNonVolatileMemory(st); free && doc.contains("euiccInfo2") && doc["euiccInfo2"].is_object()) {
    doc["euiccInfo2"]["extCardResource"]["freeNonVolatileMemory"] = *free;
  }
  return doc;
}

std::optional<uint64_t> FreeNonVolatileMemory(const CardState& state) {
  auto children = der::ReadChildren(state.info2.extCardResource);
  if (!children.ok()) return std::nullopt;
  auto free = der::Find(*children, 0x82);
  if (!free || free->value.empty() || free->value.size() > 8) return std::nullopt;
  uint64_t v = 0;
  for (uint8_t b : free->value) v = v << 8 | b;
  return v;
}

void SetFreeNonVolatileMemory(CardState& state, uint64_t value) {
  auto children = der::ReadChildren(state.info2.extCardResource);
  Bytes num;
  for (int i = 3; i >= 0; --i) num.push_back(static_cast<uint8_t>(value >> (8 * i)));
  while (num.size() > 1 && num[0] == 0) num.erase(num.begin());
  Bytes out;
  bool done = false;
  if (children.ok()) {
    for (const der::Tlv& t : *children) {
      // Keep the members in tag order (81, 82, 83) as the loader wrote them.
      if (!done && t.tag >= 0x82) {
        der::Append(out, 0x82, num);
        done = true;
      }
      if (t.tag != 0x82) out.insert(out.end(), t.whole.begin(), t.whole.end());
    }
  }
  if (!done) der::Append(out, 0x82, num);
  state.info2.extCardResource = out;
}

Status SaveState(const CardState& state, const std::string& path) {
  // A nickname or address set over ES10 may be invalid UTF-8: each invalid byte becomes U+FFFD
  // (error_handler_t::replace) instead of throwing, as asn1/json.h's JsonText does for output.
  std::string text =
      StateToJson(state).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  auto fail = [&](const std::string& what) {
    Status s(ErrorCode::kIo, path + ": " + what + ": " + std::strerror(errno));
    ::unlink(tmp.c_str());
    return s;
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status(ErrorCode::kIo, tmp + ": cannot create: " + std::strerror(errno));
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return fail("write");
    }
    done += static_cast<size_t>(n);
  }
  // fsync before rename: otherwise a crash can leave the new name pointing at empty data.
  if (::fsync(fd) != 0) {
    ::close(fd);
    return fail("fsync");
  }
  if (::close(fd) != 0) return fail("close");
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail("rename");
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);  // best effort: makes the rename itself durable
    ::close(dfd);
  }
  return Status::Ok();
}

}  // namespace esim::vcard
