// VirtualEuicc: an in-process eUICC that answers ISO 7816 / ES10 APDUs from a JSON state file.
//
// It implements the ISD-R the way a real card does (facts sheet sections 1-4): SELECT by AID,
// MANAGE CHANNEL, STORE DATA chaining, GET RESPONSE / 61xx, and every ES10 message of
// asn1/messages.h against the profiles, notifications and addresses in the state file.
// Used directly by VirtualReader (--reader virtual:STATE.json) and by esimctl-vcard, which
// plugs it into pcscd through vpcd. Not thread-safe: one caller at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::vcard {

class VirtualEuicc {
 public:
  // Behaviour knobs for tests; the defaults model a well-behaved card.
  struct Options {
    uint32_t latency_ms = 0;             // sleep per APDU, to model real cards (5-50 ms)
    bool short_apdu_only = false;        // T=0 style: answers > 256 bytes only via 61xx
    std::optional<Bytes> isdr_aid;       // overrides the state file's ISD-R AID
    bool not_euicc = false;              // a plain smart card: every SELECT by AID gets 6A82
  };

  // Loads the state file; fails with kIo / kInvalidInput naming the file and the bad field.
  static Result<std::unique_ptr<VirtualEuicc>> Load(const std::string& state_path, Options options);

  virtual ~VirtualEuicc() = default;
  // The card's ATR.
  virtual Bytes Atr() const = 0;
  // Power-on / reset: closes logical channels and forgets selections (volatile state).
  virtual void Reset() = 0;
  // Handles one C-APDU and returns the R-APDU (data followed by SW1 SW2).
  virtual Bytes Process(ByteView command) = 0;
};

}  // namespace esim::vcard
