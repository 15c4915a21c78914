#include "apdu/isdr_aids.h"

#include <algorithm>
#include <string_view>

namespace esim::apdu {
namespace {

struct KnownAid {
  std::string_view name;
  std::string_view hex;
};

// Facts sheet section 1, in the order to try.
constexpr KnownAid kKnownAids[] = {
    {"GSMA standard", "A0000005591010FFFFFFFF8900000100"},
    {"5ber", "A0000005591010FFFFFFFF8900050500"},
    {"eSIM.me", "A0000005591010000000008900000300"},
    {"Xesim", "A0000005591010FFFFFFFF8900000177"},
    {"LinksField", "A000000559104C696E6B736669656C64"},
    {"eSTK.me SE0", "A06573746B6D65FFFF4953442D522030"},
    {"eSTK.me SE1", "A06573746B6D65FFFF4953442D522031"},
};

}  // namespace

const std::vector<Bytes>& KnownIsdrAids() {
  static const std::vector<Bytes> aids = [] {
    std::vector<Bytes> out;
    for (const KnownAid& k : kKnownAids) out.push_back(FromHex(k.hex).value());
    return out;
  }();
  return aids;
}

std::string_view IsdrAidName(ByteView aid) {
  const std::vector<Bytes>& aids = KnownIsdrAids();
  for (size_t i = 0; i < aids.size(); ++i) {
    if (std::equal(aids[i].begin(), aids[i].end(), aid.begin(), aid.end())) {
      return kKnownAids[i].name;
    }
  }
  return {};
}

}  // namespace esim::apdu
