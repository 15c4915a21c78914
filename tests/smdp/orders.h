// The test SM-DP+'s orders: what it will hand out for a matching ID, and what happened to it.
//
// Orders come from --upp-dir (each NAME.der is served as is under matching ID NAME) and from
// --orders FILE (a JSON list, see ParseOrders). An order without a package gets a small valid
// SAIP profile package made for its ICCID (MakeProfilePackage). States follow a real SM-DP+'s
// life cycle: released → downloaded (the BPP was built) → installed / install-failed (the
// install notification), or cancelled (ES9+ cancelSession), or expired (never served).
// Values only; the ES9+ service owns the book and is single-threaded.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::smdp {

enum class OrderState { kReleased, kDownloaded, kInstalled, kInstallFailed, kCancelled, kExpired };
const char* OrderStateName(OrderState s);

struct Order {
  std::string matching_id;
  std::string iccid;  // decimal digits, 18-20
  std::string service_provider_name = "esimctl test SM-DP+";
  std::string profile_name;
  std::optional<int> profile_class;  // 0 test, 1 provisioning, 2 operational; absent: operational
  Bytes icon;                        // PNG, at most 1024 bytes
  std::optional<std::string> eid;    // bound EID
  std::optional<std::string> confirmation_code;
  Bytes package;                     // the unprotected profile package (UPP)
  bool made = false;                 // true if the server made the package
  OrderState state = OrderState::kReleased;
};

using OrderBook = std::map<std::string, Order>;  // by matching ID

// The ICCID (digits, F padding removed) of a package's ProfileHeader (A0 { ..., 83 iccid }).
Result<std::string> IccidOfPackage(ByteView package);
// A minimal valid SAIP package: ProfileHeader (version 2.1, type, ICCID, empty mandatory
// services and GFSTE lists) followed by the End element.
Result<Bytes> MakeProfilePackage(const std::string& iccid);
// StoreMetadataRequest (BF25) for the order: ICCID, names, icon, class (DER: omitted when operational).
Result<Bytes> EncodeStoreMetadata(const Order& order);
// The 10-byte ICCID of StoreMetadata (nibble-swapped BCD, F-padded).
Result<Bytes> SwappedIccid(const std::string& iccid);

// Every *.der in `dir` as an order named after its file.
Result<std::vector<Order>> LoadUppDir(const std::string& dir);
// A JSON list of orders: { "matchingId", "iccid"?, "serviceProviderName"?, "profileName"?,
// "profileClass"? ("test"|"provisioning"|"operational"), "iconPng"? (path), "eid"?,
// "confirmationCode"?, "upp"? (path), "state"? ("released"|"expired") }. Relative paths are
// taken from `base_dir`. Either "iccid" or "upp" is required; with both they must agree.
Result<std::vector<Order>> ParseOrders(const std::string& json_text, const std::string& base_dir);
Result<std::vector<Order>> LoadOrdersFile(const std::string& path);

}  // namespace esim::smdp
