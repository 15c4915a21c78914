// InProcessCard: a card that runs inside this process, as an in-process reader sees it.
//
// The narrow interface between readers/ and a card implemented in code (the virtual eUICC in
// vcard/ is one): power-on/reset, the ATR, and one C-APDU in, one R-APDU out. It knows nothing
// of ISO 7816 logic, ES10 or files, so readers/ depends on common/ alone. A card implements this
// header; whoever wants it as a Reader wraps it in an InProcessReader (in_process_reader.h).
//
// Threading: not thread-safe; one caller at a time, like every Reader.
#pragma once

#include "common/bytes.h"

namespace esim {

class InProcessCard {
 public:
  virtual ~InProcessCard() = default;

  // The card's answer to reset.
  virtual Bytes Atr() const = 0;
  // Power-on / warm reset: the card's volatile state (channels, selections) is lost.
  virtual void Reset() = 0;
  // Handles one C-APDU and returns the R-APDU (data followed by SW1 SW2); EMPTY when the card
  // sends no R-APDU at all (it reset while executing the command, as a refreshing card does).
  virtual Bytes Process(ByteView command) = 0;
};

}  // namespace esim
