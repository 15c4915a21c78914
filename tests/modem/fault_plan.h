// FaultPlan and Noise: what goes wrong on purpose in esimctl-modemsim.
//
// FaultPlan counts the APDU commands (AT+CGLA / AT+CSIM that reach the card, from 1) and says
// what the modem does after the card executed the K-th: answer normally, drop the answer,
// answer ERROR, or reset. Noise is the seeded randomness of a real modem's port: unsolicited
// result lines at random moments and answers written in small pieces with short pauses; the
// same seed gives the same sequence.
//
// Threading: not thread-safe; the modem's one thread owns them.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace esim::modemsim {

enum class FaultAction { kNone, kDropAnswer, kError, kReset };

class FaultPlan {
 public:
  struct Options {
    uint64_t drop_answer_at = 0;  // --drop-answer K (0 = never)
    uint64_t error_at = 0;        // --error-after K
    uint64_t reset_at = 0;        // --reset-at K
  };
  explicit FaultPlan(Options options) : options_(options) {}

  // Counts one APDU command that reached the card; returns what to do with its answer.
  FaultAction NextApdu();
  // APDU commands counted so far.
  uint64_t apdus() const { return apdus_; }

 private:
  Options options_;
  uint64_t apdus_ = 0;
};

// The moments a URC may be written (each a separate draw).
enum class UrcMoment { kBeforeEcho, kAfterEcho, kBeforeFinal, kAfterFinal, kIdle };

class Noise {
 public:
  // `urc_seed` 0: no URCs. `split`: answers in pieces, seeded by `urc_seed` (or 1 when 0).
  Noise(uint32_t urc_seed, bool split);

  // A URC line (without framing) to write at `moment`, or nullopt.
  std::optional<std::string> Urc(UrcMoment moment);
  // Milliseconds to wait for the next idle moment (poll timeout); -1 when URCs are off.
  int IdleWaitMs();
  // `text` cut into the pieces to write one by one (one piece unless splitting).
  std::vector<std::string> Pieces(const std::string& text);
  // The pause between two pieces, in microseconds.
  uint32_t PiecePauseUs();

 private:
  bool urcs_;
  bool split_;
  std::mt19937 urc_rng_;
  std::mt19937 split_rng_;
};

}  // namespace esim::modemsim
