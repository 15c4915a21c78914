#include "apdu/store_data_channel.h"

#include <algorithm>
#include <string>

#include "apdu/isdr_aids.h"
#include "apdu/logical_channel.h"
#include "apdu/response_apdu.h"

namespace esim::apdu {
namespace {

constexpr uint8_t kClaInterindustry = 0x00;
constexpr uint8_t kClaGlobalPlatform = 0x80;
constexpr uint8_t kInsSelect = 0xA4;
constexpr uint8_t kInsStoreData = 0xE2;
constexpr uint8_t kP1MoreBlocks = 0x11;
constexpr uint8_t kP1LastBlock = 0x91;
constexpr uint16_t kSwNotFound = 0x6A82;
constexpr size_t kMaxBlocks = 256;  // P2 is one byte

std::string DescribeAid(ByteView aid) {
  std::string out = ToHex(aid);
  std::string_view name = IsdrAidName(aid);
  if (!name.empty()) out += " (" + std::string(name) + " ISD-R)";
  return out;
}

}  // namespace

StoreDataChannel::StoreDataChannel(ConstructionKey, ApduTransport& transport, Options options,
                                   uint8_t channel, bool owns_channel)
    : transport_(transport), options_(options), channel_(channel), owns_channel_(owns_channel) {}

Result<std::unique_ptr<StoreDataChannel>> StoreDataChannel::Open(ApduTransport& transport,
                                                                 Options options) {
  const size_t max_block =
      transport.options().extended_length ? kMaxExtendedData : kMaxShortData;
  if (options.block_size == 0 || options.block_size > max_block) {
    return Status(ErrorCode::kInvalidInput,
                  "STORE DATA block size " + std::to_string(options.block_size) +
                      " out of range 1.." + std::to_string(max_block));
  }
  uint8_t channel = 0;
  if (options.logical_channel) {
    ESIM_ASSIGN_OR_RETURN(channel, OpenLogicalChannel(transport));
  }
  return std::make_unique<StoreDataChannel>(ConstructionKey(), transport, options, channel,
                                            options.logical_channel);
}

StoreDataChannel::~StoreDataChannel() {
  // Best effort: the card may already be gone, and a destructor has nobody to tell.
  (void)Close();
}

Status StoreDataChannel::Select(ByteView aid) {
  selected_aid_.clear();
  if (closed_) return lost_.ok() ? Status(ErrorCode::kInternal, "SELECT on a closed channel") : lost_;
  if (aid.empty() || aid.size() > 16) {
    return Status(ErrorCode::kInvalidInput,
                  "AID must be 1..16 bytes, got " + std::to_string(aid.size()));
  }
  CommandApdu select{ClaForChannel(kClaInterindustry, channel_), kInsSelect, 0x04, 0x00,
                     Bytes(aid.begin(), aid.end()), 256};
  // TransceiveOnce: a 61xx answer announces the FCI, which nothing here reads; fetching it
  // would cost a GET RESPONSE on every command, and the next command discards it.
  ESIM_ASSIGN_OR_RETURN(ResponseApdu response, transport_.TransceiveOnce(select));
  if (response.IsSuccess() || response.sw1() == 0x61) {
    selected_aid_.assign(aid.begin(), aid.end());
    return Status::Ok();
  }
  if (response.sw == kSwNotFound) {
    return Status(ErrorCode::kNotEuicc,
                  "no application with AID " + DescribeAid(aid) + " (SELECT answered 6A82)");
  }
  return UnexpectedStatus(response.sw, "SELECT " + DescribeAid(aid));
}

Result<std::vector<CommandApdu>> StoreDataChannel::Plan(ByteView es10_request) const {
  if (es10_request.empty()) return Status(ErrorCode::kInvalidInput, "empty ES10 request");
  // After a fallback to short APDUs the configured (extended) block size no longer fits.
  const bool extended = transport_.extended_length_in_use();
  size_t block = extended ? options_.block_size : std::min(options_.block_size, kMaxShortData);
  // The whole command (header, Lc, data, Le) must fit what the reader carries now.
  const size_t framing = extended ? 4 + 3 + 2 : 4 + 1 + 1;
  const size_t reader_max = transport_.max_command_size();
  if (reader_max != static_cast<size_t>(-1)) {
    block = std::min(block, reader_max > framing ? reader_max - framing : size_t{1});
  }
  const size_t blocks = (es10_request.size() + block - 1) / block;
  if (blocks > kMaxBlocks) {
    return Status(ErrorCode::kInvalidInput,
                  "ES10 request of " + std::to_string(es10_request.size()) +
                      " bytes needs more than 256 STORE DATA blocks of " + std::to_string(block));
  }
  // Le is always present: some modems return no data without it (facts sheet 6.4).
  const uint32_t le = extended ? kMaxExtendedLe : kMaxShortLe;
  const uint8_t cla = ClaForChannel(kClaGlobalPlatform, channel_);
  std::vector<CommandApdu> commands;
  commands.reserve(blocks);
  for (size_t i = 0; i < blocks; ++i) {
    const size_t offset = i * block;
    const size_t length = std::min(block, es10_request.size() - offset);
    const bool last = i + 1 == blocks;
    ByteView chunk = es10_request.subspan(offset, length);
    commands.push_back(CommandApdu{cla, kInsStoreData, last ? kP1LastBlock : kP1MoreBlocks,
                                   static_cast<uint8_t>(i), Bytes(chunk.begin(), chunk.end()), le});
  }
  return commands;
}

Result<Bytes> StoreDataChannel::Send(ByteView es10_request) {
  if (closed_) return lost_.ok() ? Status(ErrorCode::kInternal, "STORE DATA on a closed channel") : lost_;
  ESIM_ASSIGN_OR_RETURN(std::vector<CommandApdu> commands, Plan(es10_request));
  last_status_word_ = 0;
  ResponseApdu response;
  for (size_t i = 0; i < commands.size(); ++i) {
    const bool extended_before = transport_.extended_length_in_use();
    Result<ResponseApdu> sent = transport_.Transceive(commands[i]);
    // A reader whose line limit refused this block (a modem answers a too-long command line
    // with ERROR before the card sees it) lowered its MaxCommandSize: nothing was executed, so
    // the request is planned again in blocks that fit and sent from block 0, for as long as each
    // refusal lowers the limit (it only shrinks and has a floor: bounded).
    while (i == 0 && !sent.ok() && sent.status().code() == ErrorCode::kReaderError) {
      Result<Bytes> encoded = commands[0].Encode(extended_before);
      if (!encoded.ok() || transport_.max_command_size() >= encoded.value().size()) break;
      ESIM_ASSIGN_OR_RETURN(commands, Plan(es10_request));
      sent = transport_.Transceive(commands[0]);
    }
    ESIM_ASSIGN_OR_RETURN(response, std::move(sent));
    last_status_word_ = response.sw;
    if (i == 0 && extended_before && !transport_.extended_length_in_use()) {
      // The transport falls back only when the card answers 6700 to a command sent in extended
      // form, so the card refused this first block and executed nothing (6700 is a checking
      // error; no chain was started): the request is planned again in short blocks and sent
      // from block 0. Only block 0 may be re-sent: after an accepted block the card holds part
      // of the chain.
      ESIM_ASSIGN_OR_RETURN(commands, Plan(es10_request));
      ESIM_ASSIGN_OR_RETURN(response, transport_.Transceive(commands[0]));
      last_status_word_ = response.sw;
    }
    if (!response.IsSuccess()) {
      return UnexpectedStatus(response.sw, "STORE DATA block " + std::to_string(i + 1) +
                                               " of " + std::to_string(commands.size()));
    }
  }
  return std::move(response.data);
}

Status StoreDataChannel::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  selected_aid_.clear();
  if (!owns_channel_) return Status::Ok();
  owns_channel_ = false;
  return CloseLogicalChannel(transport_, channel_);
}

}  // namespace esim::apdu
