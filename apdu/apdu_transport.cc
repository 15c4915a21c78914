#include "apdu/apdu_transport.h"

#include <string>
#include <utility>

#include "apdu/logical_channel.h"

namespace esim::apdu {
namespace {

constexpr uint8_t kInsGetResponse = 0xC0;
constexpr uint16_t kSwWrongLength = 0x6700;

// SW2 of 61xx / 6Cxx as a length: 00 means 256.
uint32_t LengthFromSw2(uint8_t sw2) { return sw2 == 0 ? 256u : sw2; }

}  // namespace

ApduTransport::ApduTransport(Reader& reader, Options options)
    : reader_(reader), options_(options), extended_length_in_use_(options.extended_length) {}

Result<ResponseApdu> ApduTransport::SendOne(const CommandApdu& command) {
  // Extended form only when the command needs it: MANAGE CHANNEL, SELECT and GET RESPONSE
  // stay short so cards that accept extended length for STORE DATA only are not confused.
  const bool extended = extended_length_in_use_ && command.NeedsExtended();
  ESIM_ASSIGN_OR_RETURN(Bytes encoded, command.Encode(extended));
  ++exchanges_;
  Result<Bytes> answer = reader_.Transmit(encoded);
  if (!answer.ok()) {
    if (!extended) return answer.status();
    // Not re-sent in short form (see the header): only a hint for a reader that cannot carry
    // extended APDUs.
    return Status(answer.status().code(),
                  answer.status().message() +
                      " (the command was an extended-length APDU; if this reader cannot carry "
                      "them, run with --apdu-length short)");
  }
  ESIM_ASSIGN_OR_RETURN(ResponseApdu response, ParseResponse(std::move(*answer)));
  if (extended && response.sw == kSwWrongLength) {
    extended_length_in_use_ = false;
    fell_back_to_short_ = true;
    if (fallback_note_) {
      fallback_note_(
          "the card refused an extended-length APDU (6700, not executed); short APDUs from now "
          "on");
    }
  }
  return response;
}

Result<ResponseApdu> ApduTransport::SendWithLeRetry(const CommandApdu& command) {
  ESIM_ASSIGN_OR_RETURN(ResponseApdu response, SendOne(command));
  if (response.sw1() != 0x6C) return response;
  // Wrong Le: the card told us the exact length; re-send once. A second 6Cxx is returned to
  // the caller as it is rather than looping on a confused card.
  CommandApdu again = command;
  again.le = LengthFromSw2(response.sw2());
  return SendOne(again);
}

Result<ResponseApdu> ApduTransport::TransceiveOnce(const CommandApdu& command) {
  return SendOne(command);
}

Result<ResponseApdu> ApduTransport::Transceive(const CommandApdu& command) {
  ESIM_ASSIGN_OR_RETURN(ResponseApdu response, SendWithLeRetry(command));
  // GET RESPONSE is an interindustry command: class 00 on the channel of the command.
  const uint8_t get_response_cla = ClaForChannel(0x00, ChannelFromCla(command.cla));
  Bytes data = std::move(response.data);
  int rounds = 0;
  int empty_rounds = 0;  // consecutive 61xx answers without data (GET RESPONSE rounds only)
  while (response.sw1() == 0x61) {
    if (empty_rounds >= options_.max_empty_get_response_rounds) {
      return Status(ErrorCode::kCardStatus,
                    "card kept answering " + SwHex(response.sw) + " (more data) without sending any: " +
                        std::to_string(empty_rounds) + " GET RESPONSE rounds in a row returned no data (" +
                        std::to_string(data.size()) + " bytes so far); giving up");
    }
    if (rounds >= options_.max_get_response_rounds) {
      return Status(ErrorCode::kCardStatus,
                    "card kept answering 61xx (more data) after " + std::to_string(rounds) +
                        " GET RESPONSE rounds (" + std::to_string(data.size()) +
                        " bytes so far, last SW " + SwHex(response.sw) + "); giving up");
    }
    ++rounds;
    CommandApdu get_response{get_response_cla, kInsGetResponse, 0x00, 0x00, {},
                             LengthFromSw2(response.sw2())};
    ESIM_ASSIGN_OR_RETURN(response, SendWithLeRetry(get_response));
    empty_rounds = response.data.empty() ? empty_rounds + 1 : 0;
    data.insert(data.end(), response.data.begin(), response.data.end());
  }
  response.data = std::move(data);
  return response;
}

}  // namespace esim::apdu
