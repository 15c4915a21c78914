#include "tests/modem/fault_plan.h"

#include <algorithm>
#include <iterator>

namespace esim::modemsim {
namespace {

// What real modems say unprompted (network registration, signal quality, a call, vendor
// indications), a few with the quote and comma forms a parser must not mistake for answers.
const char* const kUrcs[] = {
    "+CREG: 1",   "+CSQ: 20,99",        "RING",           "+QIND: \"csq\",20,99",
    "+CGREG: 0",  "^RSSI: 17",          "+CEREG: 1,\"1A2B\",\"01C2D3E4\",7",
    "+CPIN: READY", "+QUSIM: 1",        "+CMTI: \"SM\",3",
};

uint32_t Draw(std::mt19937& rng, uint32_t lo, uint32_t hi) {  // uniform in [lo, hi]
  return lo + static_cast<uint32_t>(rng() % (hi - lo + 1));
}

}  // namespace

FaultAction FaultPlan::NextApdu() {
  ++apdus_;
  if (apdus_ == options_.reset_at) return FaultAction::kReset;
  if (apdus_ == options_.drop_answer_at) return FaultAction::kDropAnswer;
  if (apdus_ == options_.error_at) return FaultAction::kError;
  return FaultAction::kNone;
}

Noise::Noise(uint32_t urc_seed, bool split)
    : urcs_(urc_seed != 0), split_(split), urc_rng_(urc_seed), split_rng_(urc_seed ? urc_seed : 1) {}

std::optional<std::string> Noise::Urc(UrcMoment moment) {
  if (!urcs_) return std::nullopt;
  // Idle moments come from a random wait already; elsewhere one chance in four.
  const uint32_t chance = moment == UrcMoment::kIdle ? 1 : 4;
  if (Draw(urc_rng_, 1, chance) != 1) return std::nullopt;
  return std::string(kUrcs[Draw(urc_rng_, 0, static_cast<uint32_t>(std::size(kUrcs) - 1))]);
}

int Noise::IdleWaitMs() {
  if (!urcs_) return -1;
  return static_cast<int>(Draw(urc_rng_, 50, 400));
}

std::vector<std::string> Noise::Pieces(const std::string& text) {
  if (!split_) return {text};
  std::vector<std::string> pieces;
  size_t at = 0;
  while (at < text.size()) {
    // Small pieces, but a long answer (a BPP segment's) in a few dozen at most.
    const auto most = static_cast<uint32_t>(std::max<size_t>(12, text.size() / 6));
    const size_t n = std::min<size_t>(Draw(split_rng_, 1, most), text.size() - at);
    pieces.push_back(text.substr(at, n));
    at += n;
  }
  return pieces;
}

uint32_t Noise::PiecePauseUs() { return Draw(split_rng_, 200, 3000); }

}  // namespace esim::modemsim
