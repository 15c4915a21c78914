#include "apdu/logical_channel.h"

#include <string>

#include "apdu/response_apdu.h"

namespace esim::apdu {
namespace {

constexpr uint8_t kInsManageChannel = 0x70;
constexpr uint16_t kSwChannelNotSupported = 0x6881;

}  // namespace

Result<uint8_t> OpenLogicalChannel(ApduTransport& transport) {
  // P2 = 00: the card picks the channel number and returns it (Ne = 1).
  ESIM_ASSIGN_OR_RETURN(ResponseApdu response,
                        transport.Transceive({0x00, kInsManageChannel, 0x00, 0x00, {}, 1}));
  if (response.sw == kSwChannelNotSupported) {
    return Status(ErrorCode::kCardStatus,
                  "logical channels not supported by this card or reader (MANAGE CHANNEL "
                  "answered 6881); use the basic channel (do not share the reader)");
  }
  if (!response.IsSuccess()) return UnexpectedStatus(response.sw, "MANAGE CHANNEL open");
  if (response.data.size() != 1 || response.data[0] == 0 ||
      response.data[0] > kMaxLogicalChannel) {
    return Status(ErrorCode::kMalformedResponse,
                  "MANAGE CHANNEL open: expected one channel number 1..19, got '" +
                      ToHex(response.data) + "'");
  }
  return response.data[0];
}

Status CloseLogicalChannel(ApduTransport& transport, uint8_t channel) {
  // Sent on the basic channel with Le 00, as the facts sheet shows it (00 70 80 ch 00).
  ESIM_ASSIGN_OR_RETURN(ResponseApdu response,
                        transport.Transceive({0x00, kInsManageChannel, 0x80, channel, {}, 256}));
  if (!response.IsSuccess()) {
    return UnexpectedStatus(response.sw, "MANAGE CHANNEL close " + std::to_string(channel));
  }
  return Status::Ok();
}

uint8_t ClaForChannel(uint8_t base_cla, uint8_t channel) {
  const auto class_bit = static_cast<uint8_t>(base_cla & 0x80);  // proprietary class
  if (channel <= 3) return static_cast<uint8_t>(class_bit | channel);
  return static_cast<uint8_t>(class_bit | 0x40 | ((channel - 4) & 0x0F));
}

uint8_t ChannelFromCla(uint8_t cla) {
  if (cla & 0x40) return static_cast<uint8_t>(4 + (cla & 0x0F));
  return static_cast<uint8_t>(cla & 0x03);
}

}  // namespace esim::apdu
