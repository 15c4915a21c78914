// ApduTransport: sends CommandApdus over a Reader and returns complete answers.
//
// This is where the ISO 7816 transport rules live (facts sheet section 1 and 6): a 61xx answer
// is followed by GET RESPONSE rounds until the card stops announcing more data (bounded,
// because one modem repeats 6100 forever: by rounds, and sooner by rounds without data); a 6Cxx answer (wrong Le) makes the transport
// re-send the same command once with Le = xx. 91xx is passed through as a success. The
// transport counts every APDU it hands to the reader so callers can report the cost of an
// operation.
//
// Extended length: with TransportOptions::extended_length a command that needs it (data over
// 255 bytes, Le over 256) goes out in extended form; everything else stays short. A card that
// answers 6700 (wrong length) to an extended-form command did not execute it (67xx is an
// ISO 7816-4 checking error), and is taken at its word: from then on the transport sends only
// short APDUs (latched for the session) and the 6700 goes back to the caller, who re-sends the
// command in short form if it can (StoreDataChannel re-plans its chain). The transport itself
// never sends a command twice after a refusal. A reader that fails the transmit of an extended
// APDU is NOT taken as a refusal: the error (e.g. SCARD_E_NOT_TRANSACTED) is also what a card
// pulled in the middle of a command gives, so the card may have executed it.
//
// Not thread-safe: one transport per reader, used by one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

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
  // `note` is called once, with a one-line explanation, when a 6700 answer to an
  // extended-form command makes the transport fall back to short APDUs (the -v log prints it).
  void set_fallback_note(std::function<void(const std::string&)> note) {
    fallback_note_ = std::move(note);
  }
  // The options in force (extended_length as configured, even after a fallback).
  const Options& options() const { return options_; }
  // True while commands that need it are sent in extended form: options().extended_length
  // and no fallback yet.
  bool extended_length_in_use() const { return extended_length_in_use_; }
  // True once the card refused an extended-form command with 6700 and the transport switched
  // to short APDUs for the rest of its life.
  bool fell_back_to_short() const { return fell_back_to_short_; }
  // The reader below.
  Reader& reader() { return reader_; }
  // The longest C-APDU the reader can carry now (Reader::MaxCommandSize; a modem's AT port
  // lowers it when it learns its line limit).
  size_t max_command_size() const { return reader_.MaxCommandSize(); }

 private:
  Result<ResponseApdu> SendOne(const CommandApdu& command);
  Result<ResponseApdu> SendWithLeRetry(const CommandApdu& command);

  Reader& reader_;
  Options options_;
  uint64_t exchanges_ = 0;
  bool extended_length_in_use_;
  bool fell_back_to_short_ = false;
  std::function<void(const std::string&)> fallback_note_;
};

}  // namespace esim::apdu
