// ApduTransport: sends CommandApdus over a Reader and returns complete answers.
//
// This is where the ISO 7816 transport rules live (facts sheet section 1 and 6): a 61xx answer
// is followed by GET RESPONSE rounds until the card stops announcing more data (bounded,
// because one modem repeats 6100 forever: by rounds, and sooner by rounds without data); a 6Cxx answer (wrong Le) makes the transport
// re-send the same command once with Le = xx. 91xx is passed through as a success. The
// transport counts every APDU it hands to the reader so callers can report the cost of an
// operation. Not thread-safe: one transport per reader, used by one thread.
#pragma once

#include <cstdint>

#include "apdu/command_apdu.h"
#include "apdu/response_apdu.h"
#include "common/status.h"
#include "readers/reader.h"

namespace esim::apdu {

// Transport knobs. Declared outside ApduTransport so it can be a default argument.
struct TransportOptions {
  // GET RESPONSE rounds allowed per command before giving up (a real 3.3 KB answer took ~14;
  // a 50-profile list with 1 KB icons takes ~230 on a T=0 card): 1024 rounds is 256 KiB.
  int max_get_response_rounds = 1024;
  // Consecutive 61xx answers that carry no data before giving up: a card making no progress
  // (one modem answers 6100 for ever) is stopped long before max_get_response_rounds.
  int max_empty_get_response_rounds = 8;
  // Allow extended-length APDUs. Commands that fit short form are still sent short.
  bool extended_length = false;
};

class ApduTransport {
 public:
  using Options = TransportOptions;

  // `reader` must outlive the transport.
  explicit ApduTransport(Reader& reader, Options options = {});
  ApduTransport(const ApduTransport&) = delete;
  ApduTransport& operator=(const ApduTransport&) = delete;

  // Sends `command` and returns the whole answer: data of every 61xx / GET RESPONSE round
  // concatenated, SW of the last one. Any SW is returned as a value (check IsSuccess);
  // errors are reader failures (kReaderError, kCardRemoved, ...), an unencodable command
  // (kInvalidInput), and a card that keeps answering 61xx past the bound (kCardStatus).
  Result<ResponseApdu> Transceive(const CommandApdu& command);
  // Sends `command` exactly once: no GET RESPONSE, no 6Cxx re-send. For callers that
  // deliberately ignore a waiting answer (SELECT's FCI).
  Result<ResponseApdu> TransceiveOnce(const CommandApdu& command);

  // APDUs handed to the reader so far (GET RESPONSE and 6Cxx re-sends included).
  uint64_t exchanges() const { return exchanges_; }
  // The options in force.
  const Options& options() const { return options_; }
  // The reader below.
  Reader& reader() { return reader_; }

 private:
  Result<ResponseApdu> SendOne(const CommandApdu& command);
  Result<ResponseApdu> SendWithLeRetry(const CommandApdu& command);

  Reader& reader_;
  Options options_;
  uint64_t exchanges_ = 0;
};

}  // namespace esim::apdu
