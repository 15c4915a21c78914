// CardState: everything a virtual eUICC remembers, and its JSON state file.
//
// The file format is documented in vcard/STATE-FORMAT.md. Loading
// validates every field and names the file and the field in errors; saving is
// atomic (temp file + fsync + rename) so a crash never leaves half a card.
// Values only; thread-compatible.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "asn1/messages.h"
#include "common/bytes.h"
#include "common/status.h"

namespace esim::vcard {

// Where the notification signing key and certificates live (absolute paths).
struct CredentialFiles {
  std::string euicc_key;          // PEM private key (EC P-256)
  std::string euicc_certificate;  // DER or PEM X.509
  std::string eum_certificate;    // DER or PEM X.509
};

// A download whose BoundProfilePackage load started (InitialiseSecureChannel accepted) and
// has not ended. Persisted so that a card reset or a killed process in the middle of the load
// is reported at the next contact as ProfileInstallationResult errorReason 11.
struct LoadInProgress {
  Bytes transaction_id;
  std::string smdp_oid;        // dotted
  std::string server_address;  // where the install notification goes
};

struct CardState {
  es10::Eid eid;
  Bytes isdr_aid;
  es10::EuiccInfo2 info2;
  std::optional<std::string> default_dp_address;
  std::string root_ds_address;
  std::vector<es10::ProfilePolicyAuthorisationRule> rat;
  // Every profile carries iccid, isdpAid and profileState; other members as in the file.
  std::vector<es10::ProfileInfo> profiles;
  std::vector<es10::NotificationMetadata> notifications;  // pending, in seqNumber order
  // r||s signatures by seqNumber. A real eUICC signs a notification once and returns the
  // same bytes on every retrieval; LPAs journal and compare those bytes.
  std::map<int64_t, Bytes> notification_signatures;
  // The whole ProfileInstallationResult (BF37 DER, signed) of pending install notifications,
  // by seqNumber: RetrieveNotificationsList returns these bytes instead of an
  // OtherSignedNotification.
  std::map<int64_t, Bytes> installation_results;
  // Bytes of non-volatile memory each downloaded profile takes (its package size), by ICCID;
  // deleting the profile gives them back to freeNonVolatileMemory.
  std::map<std::string, uint64_t> package_sizes;
  // CI certificates (absolute paths, DER or PEM) the card accepts SM-DP+ chains from.
  std::vector<std::string> trusted_ci_certificates;
  std::optional<LoadInProgress> load_in_progress;
  int64_t next_seq_number = 0;                           // never reused, survives restarts
  std::optional<CredentialFiles> credentials;            // named in the file; else a test chain
  // The document as loaded: saving rewrites only the members the card changes, so
  // comments-as-keys and members this version does not know survive a save.
  nlohmann::json document;
};

// Reads and validates `path`. kIo if it cannot be read, kInvalidInput naming the file and
// the field (e.g. "state.json: profiles[1].iccid: ...") if its content is wrong.
Result<CardState> LoadState(const std::string& path);
// Validates an already parsed document; `source` names it in errors, `base_dir` resolves
// relative credential paths.
Result<CardState> ParseState(const nlohmann::json& document, const std::string& source,
                             const std::string& base_dir);
// The document with the card's mutable members (profiles, notifications, counter,
// addresses) written back.
nlohmann::json StateToJson(const CardState& state);
// extCardResource's freeNonVolatileMemory (tag 82), if the state lists it.
std::optional<uint64_t> FreeNonVolatileMemory(const CardState& state);
// Sets freeNonVolatileMemory in info2.extCardResource (kept in the file by StateToJson).
void SetFreeNonVolatileMemory(CardState& state, uint64_t value);
// Writes StateToJson(state) to `path` atomically. kIo on failure.
Status SaveState(const CardState& state, const std::string& path);

}  // namespace esim::vcard
