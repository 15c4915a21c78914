// InProcessReader: a Reader over an InProcessCard (readers/in_process_card.h).
//
// No pcscd, no sockets: Transmit() hands the C-APDU straight to the card. The card behind
// "--reader virtual:STATE.json" is one (vcard/virtual_reader.h builds it); tests use it to run
// the whole client without hardware. Not thread-safe: one caller at a time, like every Reader.
#pragma once

#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "readers/in_process_card.h"
#include "readers/reader.h"

namespace esim {

class InProcessReader : public Reader {
 public:
  // A reader named `name` (what Name() returns, e.g. "virtual:FILE") holding `card`.
  InProcessReader(std::string name, std::unique_ptr<InProcessCard> card);

  // The card's R-APDU; kReaderError when the card sends none (an injected lost answer),
  // after which the card has been reset, as a real reader's card would be.
  Result<Bytes> Transmit(ByteView command) override;
  // The card's ATR.
  Bytes Atr() const override;
  // The name given at construction.
  std::string Name() const override;
  // Resets the card's volatile state when `reset`; otherwise nothing to do.
  Status Reconnect(bool reset) override;
  // Answered from the card's ATR as a PC/SC stack would: T=1 offered (the protocol a reader
  // would then negotiate) and extended Lc/Le announced (AtrOffersExtendedLength).
  bool SupportsExtendedLength() const override;

  // The card itself, for tests that want to look past the Reader interface.
  InProcessCard& card() { return *card_; }

 private:
  std::string name_;
  std::unique_ptr<InProcessCard> card_;
};

}  // namespace esim
