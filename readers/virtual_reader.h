// VirtualReader: a Reader backed by an in-process VirtualEuicc ("--reader virtual:STATE.json").
//
// No pcscd, no sockets: Transmit() hands the C-APDU straight to the virtual
// card. Used by tests and by anyone who wants to try esimctl without hardware.
// Not thread-safe: one caller at a time, like every Reader.
#pragma once

#include <memory>
#include <string>

#include "readers/reader.h"
#include "readers/virtual/virtual_euicc.h"

namespace esim {

class VirtualReader : public Reader {
 public:
  // Loads the card from `state_path`; errors as VirtualEuicc::Load (kIo, kInvalidInput).
  static Result<std::unique_ptr<VirtualReader>> Open(const std::string& state_path,
                                                     vcard::VirtualEuicc::Options options);

  // The card's R-APDU; kReaderError when the card sends none (an injected lost answer),
  // after which the card has been reset, as a real reader's card would be.
  Result<Bytes> Transmit(ByteView command) override;
  Bytes Atr() const override;
  // "virtual:" + the state file path.
  std::string Name() const override;
  // Resets the card's volatile state when `reset`; otherwise nothing to do.
  Status Reconnect(bool reset) override;
  // Answered from the card's ATR as a PC/SC stack would: T=1 offered (the protocol a reader
  // would then negotiate) and extended Lc/Le announced (AtrOffersExtendedLength).
  bool SupportsExtendedLength() const override;

  // The card itself, for tests that want to look past the Reader interface.
  vcard::VirtualEuicc& card() { return *card_; }

 private:
  VirtualReader(std::string state_path, std::unique_ptr<vcard::VirtualEuicc> card);

  std::string state_path_;
  std::unique_ptr<vcard::VirtualEuicc> card_;
};

}  // namespace esim
