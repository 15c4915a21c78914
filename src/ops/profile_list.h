// ListProfiles: the profiles on the card, in one GetProfilesInfo request.
#pragma once

#include <vector>

#include "asn1/messages.h"
#include "common/status.h"
#include "src/session/card_session.h"

namespace esim {

struct ListProfilesOptions {
  // Icons are up to 1 KB each: fetch them (with every other member) only when asked.
  bool with_icons = false;
};

// Returns every profile's ProfileInfo. A card-reported error becomes kEs10Result.
Result<std::vector<es10::ProfileInfo>> ListProfiles(CardSession& session,
                                                    const ListProfilesOptions& options);

}  // namespace esim
