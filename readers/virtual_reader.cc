#include "readers/virtual_reader.h"

#include "readers/atr.h"

namespace esim {

VirtualReader::VirtualReader(std::string state_path, std::unique_ptr<vcard::VirtualEuicc> card)
    : state_path_(std::move(state_path)), card_(std::move(card)) {}

Result<std::unique_ptr<VirtualReader>> VirtualReader::Open(const std::string& state_path,
                                                           vcard::VirtualEuicc::Options options) {
  ESIM_ASSIGN_OR_RETURN(auto card, vcard::VirtualEuicc::Load(state_path, std::move(options)));
  return std::unique_ptr<VirtualReader>(new VirtualReader(state_path, std::move(card)));
}

Result<Bytes> VirtualReader::Transmit(ByteView command) {
  Bytes answer = card_->Process(command);
  if (answer.empty()) {
    card_->Reset();
    return Status(ErrorCode::kReaderError, Name() + ": the card sent no answer");
  }
  return answer;
}

Bytes VirtualReader::Atr() const { return card_->Atr(); }

bool VirtualReader::SupportsExtendedLength() const {
  return AtrOffersExtendedLength(card_->Atr());
}

std::string VirtualReader::Name() const { return "virtual:" + state_path_; }

Status VirtualReader::Reconnect(bool reset) {
  if (reset) card_->Reset();
  return Status::Ok();
}

}  // namespace esim
