#include "readers/atr.h"

#include <cstddef>
#include <cstdint>
#include <optional>

namespace esim {
namespace {

// Where the parts of an ATR are: TS T0 {TAi TBi TCi TDi}... historical bytes [TCK].
struct AtrLayout {
  size_t historical_offset = 0;
  size_t historical_count = 0;
  bool offers_t1 = false;
  bool needs_tck = false;  // a protocol other than T=0 is indicated (T=15 included)
};

// Walks the interface bytes; nullopt when the ATR is shorter than they say.
std::optional<AtrLayout> Layout(ByteView atr) {
  if (atr.size() < 2) return std::nullopt;
  AtrLayout layout;
  layout.historical_count = atr[1] & 0x0F;
  // T0 and each TDi say in their high nibble which of TA TB TC TD follow.
  uint8_t indicator = static_cast<uint8_t>(atr[1] >> 4);
  size_t i = 2;
  for (;;) {
    i += static_cast<size_t>((indicator & 1) + ((indicator >> 1) & 1) + ((indicator >> 2) & 1));
    if (!(indicator & 8)) break;
    if (i >= atr.size()) return std::nullopt;
    const uint8_t td = atr[i];
    const uint8_t protocol = td & 0x0F;
    if (protocol == 1) layout.offers_t1 = true;
    if (protocol != 0) layout.needs_tck = true;
    indicator = static_cast<uint8_t>(td >> 4);
    ++i;
  }
  if (i + layout.historical_count > atr.size()) return std::nullopt;
  layout.historical_offset = i;
  return layout;
}

}  // namespace

bool AtrOffersT1(ByteView atr) {
  const std::optional<AtrLayout> layout = Layout(atr);
  return layout && layout->offers_t1;
}

bool AtrAnnouncesExtendedLength(ByteView atr) {
  const std::optional<AtrLayout> layout = Layout(atr);
  if (!layout || layout->historical_count == 0) return false;
  ByteView hist = atr.subspan(layout->historical_offset, layout->historical_count);
  // Category 0x80: compact-TLV objects to the end. 0x00: compact-TLV, then 3 status bytes.
  size_t end = hist.size();
  if (hist[0] == 0x00) {
    if (end < 4) return false;
    end -= 3;
  } else if (hist[0] != 0x80) {
    return false;
  }
  for (size_t j = 1; j < end;) {
    const uint8_t tag = static_cast<uint8_t>(hist[j] >> 4);
    const size_t len = hist[j] & 0x0F;
    if (j + 1 + len > end) return false;
    if (tag == 7 && len >= 3) return (hist[j + 3] & 0x40) != 0;
    j += 1 + len;
  }
  return false;
}

bool AtrOffersExtendedLength(ByteView atr) {
  return AtrOffersT1(atr) && AtrAnnouncesExtendedLength(atr);
}

bool AtrChecksumValid(ByteView atr) {
  const std::optional<AtrLayout> layout = Layout(atr);
  if (!layout) return false;
  const size_t body = layout->historical_offset + layout->historical_count;
  if (!layout->needs_tck) return atr.size() == body;
  if (atr.size() != body + 1) return false;
  uint8_t x = 0;
  for (size_t i = 1; i < atr.size(); ++i) x = static_cast<uint8_t>(x ^ atr[i]);
  return x == 0;
}

}  // namespace esim
