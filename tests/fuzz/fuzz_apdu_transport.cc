// Fuzz target: the ISO 7816 answer handling (61xx / GET RESPONSE, 6Cxx re-send, 91xx, MANAGE
// CHANNEL answers, SELECT) against a fuzzed card. The fake reader answers each C-APDU with the
// next chunk of the input ([length byte][R-APDU bytes], status words included); once the input
// is used up it either fails (card removed) or repeats its last answer forever, like the modem
// that answers 6100 to every GET RESPONSE. Whatever the card says, the transport must end
// (bounded loops) and never crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "apdu/apdu_transport.h"
#include "apdu/response_apdu.h"
#include "apdu/store_data_channel.h"
#include "readers/reader.h"

namespace {

using namespace esim;

// Far more exchanges than any bounded sequence below needs (a few requests, each up to 256
// blocks x (1 + 64 GET RESPONSE rounds x 2 for 6Cxx)): reaching it means a loop is unbounded.
constexpr uint64_t kExchangeLimit = 200000;

class FuzzedCard : public Reader {
 public:
  FuzzedCard(const uint8_t* data, size_t size, bool repeat_last)
      : data_(data), size_(size), repeat_last_(repeat_last) {}

  Result<Bytes> Transmit(ByteView command) override {
    if (command.size() < 4) {
      std::fprintf(stderr, "fuzz_apdu_transport: C-APDU of %zu bytes\n", command.size());
      std::abort();
    }
    if (++transmitted_ > kExchangeLimit) {
      std::fprintf(stderr, "fuzz_apdu_transport: more than %llu APDUs: unbounded loop\n",
                   static_cast<unsigned long long>(kExchangeLimit));
      std::abort();
    }
    if (offset_ < size_) {
      size_t length = data_[offset_++];
      if (length > size_ - offset_) length = size_ - offset_;
      last_.assign(data_ + offset_, data_ + offset_ + length);
      offset_ += length;
      have_last_ = true;
      return last_;
    }
    if (repeat_last_ && have_last_) return last_;
    return Status(ErrorCode::kCardRemoved, "fuzzed card: input used up");
  }
  Bytes Atr() const override { return {0x3B, 0x00}; }
  std::string Name() const override { return "fuzz"; }
  Status Reconnect(bool) override { return Status::Ok(); }
  bool SupportsExtendedLength() const override { return true; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t offset_ = 0;
  bool repeat_last_;
  bool have_last_ = false;
  Bytes last_;
  uint64_t transmitted_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t flags = data[0];
  const uint8_t knobs = data[1];
  FuzzedCard card(data + 2, size - 2, flags & 0x01);

  apdu::TransportOptions transport_options;
  transport_options.extended_length = flags & 0x02;
  transport_options.max_get_response_rounds = 1 + (knobs & 0x3F);  // 1..64
  apdu::ApduTransport transport(card, transport_options);

  // Plain transceive of a case-4 command first (the 6Cxx / 61xx paths without a channel).
  (void)transport.Transceive(apdu::CommandApdu{0x80, 0xCA, 0x00, 0x5A, {0x01}, 256});

  apdu::StoreDataOptions options;
  options.logical_channel = flags & 0x04;
  static constexpr size_t kBlockSizes[] = {255, 120, 63, 1, 16};
  options.block_size = kBlockSizes[(flags >> 3) % 5];
  auto channel = apdu::StoreDataChannel::Open(transport, options);
  if (!channel.ok()) return 0;
  const Bytes isdr_aid{0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF,
                       0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00};
  (void)(*channel)->Select(isdr_aid);
  // A short request (one block) and a long one (chained blocks).
  (void)(*channel)->Send(Bytes{0xBF, 0x2D, 0x00});
  Bytes long_request{0xBF, 0x29, 0x82, 0x01, 0x2C};
  long_request.resize(5 + 300, 0x41);
  (void)(*channel)->Send(long_request);
  (void)(*channel)->Close();
  return 0;
}
