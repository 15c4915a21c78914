#include "tests/modem/modem_card.h"

#include <utility>

namespace esim::modemsim {
namespace {

uint16_t StatusWord(const Bytes& answer) {
  if (answer.size() < 2) return 0;
  return static_cast<uint16_t>(answer[answer.size() - 2] << 8 | answer[answer.size() - 1]);
}

}  // namespace

ModemCard::ModemCard(std::unique_ptr<InProcessReader> card, int session_offset)
    : card_(std::move(card)), session_offset_(session_offset) {}

uint8_t ModemCard::ClaForChannel(uint8_t cla, int channel) {
  const auto ch = static_cast<uint8_t>(channel & 0x03);
  if (cla & 0x40) return static_cast<uint8_t>((cla & 0x80) | ch);  // further interindustry
  return static_cast<uint8_t>((cla & 0xFC) | ch);
}

Result<Bytes> ModemCard::Send(ByteView apdu) {
  ++card_apdus_;
  return card_->Transmit(apdu);
}

void ModemCard::CloseChannel(int channel) {
  const Bytes close{0x00, 0x70, 0x80, static_cast<uint8_t>(channel)};
  (void)Send(close);
}

Status ModemCard::OpenStaleChannels(ByteView aid) {
  for (int i = 1; i <= kMaxChannel; ++i) {
    auto sid = Open(aid);
    if (!sid.ok()) return sid.status().WithContext("opening stale channel " + std::to_string(i));
  }
  return Status::Ok();
}

Result<long> ModemCard::Open(ByteView aid) {
  const Bytes open{0x00, 0x70, 0x00, 0x00, 0x01};
  ESIM_ASSIGN_OR_RETURN(Bytes opened, Send(open));
  if (opened.size() != 3 || StatusWord(opened) != 0x9000) {
    return Status(ErrorCode::kReaderBusy, "MANAGE CHANNEL open answered " + ToHex(opened));
  }
  const int channel = opened[0];
  if (channel < 1 || channel > kMaxChannel) {
    CloseChannel(channel);
    return Status(ErrorCode::kReaderBusy, "no free channel 1-3");
  }
  Bytes select{static_cast<uint8_t>(channel), 0xA4, 0x04, 0x00, static_cast<uint8_t>(aid.size())};
  select.insert(select.end(), aid.begin(), aid.end());
  select.push_back(0x00);
  auto selected = Send(select);
  if (!selected.ok()) return selected.status();
  const uint16_t sw = StatusWord(*selected);
  if (sw != 0x9000 && (sw >> 8) != 0x61) {
    CloseChannel(channel);
    return Status(sw == 0x6A82 ? ErrorCode::kNotEuicc : ErrorCode::kReaderError,
                  "SELECT answered " + ToHex(*selected));
  }
  const long sid = channel + session_offset_;
  sessions_[sid] = channel;
  return sid;
}

Result<Bytes> ModemCard::Transmit(long session, ByteView apdu) {
  auto it = sessions_.find(session);
  if (it == sessions_.end()) return Status(ErrorCode::kReaderNotFound, "no session " + std::to_string(session));
  Bytes command(apdu.begin(), apdu.end());
  command[0] = ClaForChannel(command[0], it->second);
  return Send(command);
}

Status ModemCard::Close(long session) {
  auto it = sessions_.find(session);
  if (it == sessions_.end()) return Status(ErrorCode::kReaderNotFound, "no session " + std::to_string(session));
  const int channel = it->second;
  sessions_.erase(it);
  // A channel already closed by the client's own MANAGE CHANNEL (over CSIM or CGLA) answers
  // 6881; the session is gone either way, as on real modems.
  CloseChannel(channel);
  return Status::Ok();
}

Result<Bytes> ModemCard::PassThrough(ByteView apdu) { return Send(apdu); }

void ModemCard::Reset() {
  sessions_.clear();
  (void)card_->Reconnect(true);
}

}  // namespace esim::modemsim
