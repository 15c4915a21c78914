// The ISD-R AIDs seen in the field, in the order to try them (facts sheet section 1).
//
// Most eUICCs use the GSMA AID; several removable eSIM vendors use their own, on which a
// SELECT of the GSMA AID answers 6A82. The ES10 layer tries these in order unless the user
// names an AID. Immutable data: thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace esim::apdu {

// The known ISD-R AIDs: GSMA standard first, then 5ber, eSIM.me, Xesim, LinksField,
// eSTK.me SE0, eSTK.me SE1.
const std::vector<Bytes>& KnownIsdrAids();

// Who uses `aid` ("GSMA standard", "5ber", ...), or an empty view for an unknown AID.
std::string_view IsdrAidName(ByteView aid);

}  // namespace esim::apdu
