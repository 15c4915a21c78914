#include "tests/smdp/orders.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>

#include "tests/smdp/tlv.h"

namespace esim::smdp {
namespace {

Result<Bytes> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(ErrorCode::kIo, "cannot read " + path);
  return Bytes((std::istreambuf_iterator<char>(in)), {});
}

bool ValidIccid(const std::string& s) {
  return s.size() >= 18 && s.size() <= 20 && std::all_of(s.begin(), s.end(), ::isdigit);
}

// 10 bytes of digits in plain order, F-padded: the ProfileHeader's form.
Bytes PlainIccid(const std::string& iccid) {
  std::string padded = iccid + std::string(20 - iccid.size(), 'F');
  Bytes out;
  for (size_t i = 0; i < 20; i += 2) {
    auto nib = [](char c) { return static_cast<uint8_t>(c == 'F' ? 0xF : c - '0'); };
    out.push_back(static_cast<uint8_t>((nib(padded[i]) << 4) | nib(padded[i + 1])));
  }
  return out;
}

bool ValidMatchingId(const std::string& s) {
  static const std::regex kId(R"([A-Za-z0-9\-]{1,64})");
  return std::regex_match(s, kId);
}

}  // namespace

const char* OrderStateName(OrderState s) {
  switch (s) {
    case OrderState::kReleased: return "released";
    case OrderState::kDownloaded: return "downloaded";
    case OrderState::kInstalled: return "installed";
    case OrderState::kInstallFailed: return "install-failed";
    case OrderState::kCancelled: return "cancelled";
    case OrderState::kExpired: return "expired";
  }
  return "?";
}

Result<std::string> IccidOfPackage(ByteView package) {
  ESIM_ASSIGN_OR_RETURN(Tlv header, ReadTlv(package, 0));
  if (header.tag != 0xA0) return Status(ErrorCode::kInvalidInput, "the package does not start with a ProfileHeader (A0)");
  ESIM_ASSIGN_OR_RETURN(auto fields, Children(package, header));
  auto iccid = Find(fields, 0x83);
  if (!iccid || iccid->value_size() != 10) return Status(ErrorCode::kInvalidInput, "the ProfileHeader has no 10-byte ICCID (83)");
  std::string digits = ToHex(Value(package, *iccid));
  while (!digits.empty() && digits.back() == 'F') digits.pop_back();
  if (!ValidIccid(digits)) return Status(ErrorCode::kInvalidInput, "the ProfileHeader's ICCID is not 18-20 digits");
  return digits;
}

Result<Bytes> SwappedIccid(const std::string& iccid) {
  if (!ValidIccid(iccid)) return Status(ErrorCode::kInvalidInput, "ICCID must be 18-20 digits: " + iccid);
  Bytes plain = PlainIccid(iccid);
  for (uint8_t& b : plain) b = static_cast<uint8_t>((b << 4) | (b >> 4));
  return plain;
}

Result<Bytes> MakeProfilePackage(const std::string& iccid) {
  if (!ValidIccid(iccid)) return Status(ErrorCode::kInvalidInput, "ICCID must be 18-20 digits: " + iccid);
  const std::string type = "esimctl test profile";
  Bytes header_fields = Concat({Wrap(0x80, Bytes{0x02}), Wrap(0x81, Bytes{0x01}), Wrap(0x82, View(type)),
                                Wrap(0x83, PlainIccid(iccid)), Wrap(0xA5, {}), Wrap(0xA6, {})});
  // End element: AA { A0 end-header { 80 mandated NULL, 81 identification } } as TS.48 ends.
  Bytes end = Wrap(0xAA, Wrap(0xA0, Concat({Wrap(0x80, {}), Wrap(0x81, Bytes{0x01})})));
  return Concat({Wrap(0xA0, header_fields), end});
}

Result<Bytes> EncodeStoreMetadata(const Order& o) {
  ESIM_ASSIGN_OR_RETURN(Bytes iccid, SwappedIccid(o.iccid));
  Bytes body = Concat({Wrap(0x5A, iccid), Wrap(0x91, View(o.service_provider_name)), Wrap(0x92, View(o.profile_name))});
  if (!o.icon.empty()) {
    body = Concat({body, Wrap(0x93, Bytes{0x01}), Wrap(0x94, o.icon)});  // iconType png(1)
  }
  if (o.profile_class && *o.profile_class != 2) {  // DEFAULT operational is omitted in DER
    body = Concat({body, Wrap(0x95, Bytes{static_cast<uint8_t>(*o.profile_class)})});
  }
  return Wrap(0xBF25, body);
}

Result<std::vector<Order>> LoadUppDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return Status(ErrorCode::kIo, "--upp-dir " + dir + ": " + ec.message());
  std::vector<Order> out;
  for (const auto& entry : it) {
    if (!entry.is_regular_file() || entry.path().extension() != ".der") continue;
    Order o;
    o.matching_id = entry.path().stem().string();
    if (!ValidMatchingId(o.matching_id)) continue;  // not nameable by an activation code
    ESIM_ASSIGN_OR_RETURN(o.package, ReadFile(entry.path().string()));
    auto iccid = IccidOfPackage(o.package);
    if (!iccid.ok()) return Status(ErrorCode::kInvalidInput, entry.path().string() + ": " + iccid.status().message());
    o.iccid = *iccid;
    o.profile_name = o.matching_id;
    out.push_back(std::move(o));
  }
  std::sort(out.begin(), out.end(), [](const Order& a, const Order& b) { return a.matching_id < b.matching_id; });
  return out;
}

Result<std::vector<Order>> ParseOrders(const std::string& json_text, const std::string& base_dir) {
  namespace fs = std::filesystem;
  auto json = nlohmann::json::parse(json_text, nullptr, false);
  if (json.is_discarded() || !json.is_array()) return Status(ErrorCode::kInvalidInput, "orders: not a JSON list");
  auto path_of = [&](const std::string& p) { return fs::path(p).is_absolute() ? p : (fs::path(base_dir) / p).string(); };
  std::vector<Order> out;
  for (size_t i = 0; i < json.size(); ++i) {
    const auto& j = json[i];
    auto bad = [i](const std::string& why) {
      return Status(ErrorCode::kInvalidInput, "orders[" + std::to_string(i) + "]: " + why);
    };
    if (!j.is_object()) return bad("not an object");
    static const char* kKnown[] = {"matchingId", "iccid", "serviceProviderName", "profileName", "profileClass",
                                   "iconPng", "eid", "confirmationCode", "upp", "state"};
    for (const auto& [key, value] : j.items()) {
      if (std::find_if(std::begin(kKnown), std::end(kKnown), [&](const char* k) { return key == k; }) == std::end(kKnown))
        return bad("unknown member " + key);
      if (!value.is_string()) return bad(key + " must be a string");
    }
    auto str = [&](const char* k) -> std::optional<std::string> {
      return j.contains(k) ? std::optional<std::string>(j[k].get<std::string>()) : std::nullopt;
    };
    Order o;
    if (!str("matchingId") || !ValidMatchingId(*str("matchingId"))) return bad("matchingId missing or not 1-64 of A-Z a-z 0-9 -");
    o.matching_id = *str("matchingId");
    o.profile_name = str("profileName").value_or(o.matching_id);
    if (auto s = str("serviceProviderName")) o.service_provider_name = *s;
    if (auto c = str("profileClass")) {
      if (*c == "test") o.profile_class = 0;
      else if (*c == "provisioning") o.profile_class = 1;
      else if (*c == "operational") o.profile_class = 2;
      else return bad("profileClass must be test, provisioning or operational");
    }
    if (auto p = str("iconPng")) {
      ESIM_ASSIGN_OR_RETURN(o.icon, ReadFile(path_of(*p)));
      static const Bytes kPng = {0x89, 'P', 'N', 'G'};
      if (o.icon.size() > 1024 || !std::equal(kPng.begin(), kPng.end(), o.icon.begin(), o.icon.begin() + std::min<size_t>(4, o.icon.size())))
        return bad("iconPng must be a PNG of at most 1024 bytes");
    }
    if (auto e = str("eid")) {
      if (e->size() != 32 || !std::all_of(e->begin(), e->end(), ::isdigit)) return bad("eid must be 32 digits");
      o.eid = *e;
    }
    if (auto c = str("confirmationCode")) {
      if (c->empty()) return bad("confirmationCode is empty");
      o.confirmation_code = *c;
    }
    if (auto s = str("state")) {
      if (*s == "released") o.state = OrderState::kReleased;
      else if (*s == "expired") o.state = OrderState::kExpired;
      else return bad("state must be released or expired");
    }
    auto iccid = str("iccid");
    if (auto p = str("upp")) {
      ESIM_ASSIGN_OR_RETURN(o.package, ReadFile(path_of(*p)));
      auto in_package = IccidOfPackage(o.package);
      if (!in_package.ok()) return bad(*p + ": " + in_package.status().message());
      if (iccid && *iccid != *in_package) return bad("iccid differs from the package's ICCID " + *in_package);
      o.iccid = *in_package;
    } else {
      if (!iccid) return bad("needs iccid or upp");
      if (!ValidIccid(*iccid)) return bad("iccid must be 18-20 digits");
      o.iccid = *iccid;
      ESIM_ASSIGN_OR_RETURN(o.package, MakeProfilePackage(o.iccid));
      o.made = true;
    }
    out.push_back(std::move(o));
  }
  return out;
}

Result<std::vector<Order>> LoadOrdersFile(const std::string& path) {
  ESIM_ASSIGN_OR_RETURN(Bytes text, ReadFile(path));
  return ParseOrders(std::string(text.begin(), text.end()),
                     std::filesystem::absolute(path).parent_path().string());
}

}  // namespace esim::smdp
