#include "readers/in_process_reader.h"

#include <utility>

#include "readers/atr.h"

namespace esim {

InProcessReader::InProcessReader(std::string name, std::unique_ptr<InProcessCard> card)
    : name_(std::move(name)), card_(std::move(card)) {}

Result<Bytes> InProcessReader::Transmit(ByteView command) {
  Bytes answer = card_->Process(command);
  if (answer.empty()) {
    card_->Reset();
    return Status(ErrorCode::kReaderError, Name() + ": the card sent no answer");
  }
  return answer;
}

Bytes InProcessReader::Atr() const { return card_->Atr(); }

bool InProcessReader::SupportsExtendedLength() const {
  return AtrOffersExtendedLength(card_->Atr());
}

std::string InProcessReader::Name() const { return name_; }

Status InProcessReader::Reconnect(bool reset) {
  if (reset) card_->Reset();
  return Status::Ok();
}

}  // namespace esim
