// Reader: one connection to one card, the bottom layer of esimctl.
//
// A Reader sends a complete C-APDU (header, data, Le) and returns the complete
// R-APDU (data followed by SW1 SW2). It does no ISO 7816 logic of its own: no
// GET RESPONSE, no retries; that is the APDU layer's job. Implementations:
// PC/SC (pcsc-lite), an in-process card (the virtual eUICC), trace replay, and the
// tracing/logging decorators. A Reader is not thread-safe: use one per thread.
#pragma once

#include <cstddef>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace esim {

class Reader {
 public:
  virtual ~Reader() = default;

  // Sends one C-APDU and returns the R-APDU including the two SW bytes.
  // Errors: kCardRemoved, kNoCard, kNoService, kReaderError.
  virtual Result<Bytes> Transmit(ByteView command) = 0;
  // The card's answer to reset as last seen.
  virtual Bytes Atr() const = 0;
  // The reader's name (the PC/SC name, or "virtual:FILE", "replay:FILE").
  virtual std::string Name() const = 0;
  // Reconnects to the card; with `reset` the card is reset (volatile state lost).
  virtual Status Reconnect(bool reset) = 0;
  // True if the reader and card accept extended-length APDUs.
  virtual bool SupportsExtendedLength() const { return false; }
  // The longest C-APDU (header, data, Le) this reader can carry now, in bytes. A modem's AT
  // port learns its line limit from a refusal (readers/at_reader.h); others have none.
  virtual size_t MaxCommandSize() const { return static_cast<size_t>(-1); }
  // False when the basic channel (0) is not ours to use: a modem's telephony stack owns it and
  // its AT port carries only logical channels, so sessions open one (MANAGE CHANNEL).
  virtual bool BasicChannelUsable() const { return true; }
};

}  // namespace esim
