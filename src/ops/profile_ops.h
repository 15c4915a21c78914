// The local profile operations: enable, disable, delete, nickname (ES10c).
//
// Each sends exactly the one ES10 command it needs. Only when something went
// wrong does it spend more exchanges: to name the profile in an error, or to
// verify the new state after the card dropped its answer or asked for a
// REFRESH (91xx), as cards do when they switch profiles.
#pragma once

#include <optional>
#include <string>

#include "asn1/messages.h"
#include "common/status.h"
#include "src/session/card_session.h"

namespace esim {

enum class StateChange { kEnable, kDisable, kDelete };

struct ProfileChangeReport {
  StateChange change;
  es10::ProfileId profile;
  // True when the answer was lost or was 91xx and a fresh profile list confirmed the change.
  bool verified_by_listing = false;
  uint16_t status_word = 0x9000;
};

// Enables, disables or deletes `profile`. `refresh` sets refreshFlag (enable/disable only).
Result<ProfileChangeReport> ChangeProfileState(CardSession& session, StateChange change,
                                               const es10::ProfileId& profile, bool refresh);
// Sets `nickname` on the profile `iccid` (empty clears it).
Status SetProfileNickname(CardSession& session, const es10::Iccid& iccid, const std::string& nickname);
// The profile `profile` with what a confirmation or receipt shows (no icon), or nullopt when the
// card has no such profile. One GetProfilesInfo.
Result<std::optional<es10::ProfileInfo>> LookupProfile(CardSession& session, const es10::ProfileId& profile);
// "8999... (Contoso Travel 5GB)" for messages; falls back to the bare id.
std::string DescribeProfile(CardSession& session, const es10::ProfileId& profile);
// The id a listed profile is addressed by: its ICCID, else its ISD-P AID.
es10::ProfileId ProfileIdOf(const es10::ProfileInfo& info);
// The id as the user would type it again (ICCID digits or AID hex).
std::string ProfileIdText(const es10::ProfileId& profile);
// A listed profile for plans and receipts: "8999... (Contoso Travel 5GB, Contoso)", or the bare id.
std::string ProfileLabel(const es10::ProfileInfo& info);
// "enable", "disable", "delete".
const char* StateChangeName(StateChange change);
// "enabled", "disabled", or "unknown" when the card did not say.
std::string ProfileStateText(const std::optional<es10::ProfileState>& state);

}  // namespace esim
