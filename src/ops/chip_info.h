// ReadChipInfo: what `esimctl chip info` shows, read in the fewest exchanges.
#pragma once

#include "asn1/messages.h"
#include "common/status.h"
#include "src/session/card_session.h"

namespace esim {

struct ChipInfo {
  es10::Eid eid;
  es10::EuiccInfo2 info2;
  es10::ExtCardResource resources;  // parsed from info2.extCardResource
  es10::EuiccConfiguredAddressesResponse addresses;
  // The Rules Authorisation Table, or why the card did not give it (a card without GetRAT still
  // has the rest of its information shown).
  Result<es10::RulesAuthorisationTable> rat = es10::RulesAuthorisationTable{};
};

// Reads EID, EUICCInfo2, the configured addresses and the RAT (four ES10 requests).
Result<ChipInfo> ReadChipInfo(CardSession& session);

}  // namespace esim
