// ReplayReader: a Reader that plays back a trace written by TracingReader.
//
// Lets a session recorded on a real card (`--trace FILE`) be run again without the card,
// for bug reports and regression tests: every C-APDU sent must equal the next recorded
// `>` line, and the recorded `<` answer is returned. Format (see trace_reader.h): blank lines
// and `#` comments are ignored, text after `#` on an APDU line is a comment, spaces inside
// hex are allowed, `# ATR: <hex>` sets the ATR. A byte written "**" (a masked matching ID,
// readers/trace_mask.h) matches any byte in a command and replays as '*' (2A) in an answer. A `>` line whose answer was never recorded
// (the original reader failed) replays as a kReaderError. Not thread-safe, like every Reader.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "readers/reader.h"

namespace esim {

class ReplayReader : public Reader {
 public:
  // One recorded exchange.
  struct Exchange {
    Bytes command;
    size_t command_line = 0;         // 1-based line number of the `>` line
    std::optional<Bytes> response;   // nullopt: the original reader failed here
    size_t response_line = 0;        // 1-based line number of the `<` line (0 if none)
    std::vector<bool> masked;        // per command byte: written "**" (masked), matches any byte
  };

  // Reads and parses the trace at `path`. kIo when it cannot be read; kInvalidInput naming
  // the file and line for a malformed line (bad hex, `<` without `>`, APDU too short, ...).
  static Result<std::unique_ptr<ReplayReader>> Open(const std::string& path);
  // Parses trace text; `name` is used in messages and Name(). Errors as Open.
  static Result<std::unique_ptr<ReplayReader>> FromText(const std::string& text,
                                                       const std::string& name);

  // Returns the recorded answer if `command` equals the next recorded command. kReaderError
  // on a mismatch (expected vs got, with the line number), past the end ("trace ended"), or
  // where the recorded exchange failed.
  Result<Bytes> Transmit(ByteView command) override;
  // The ATR from the `# ATR:` comment, empty if the trace has none.
  Bytes Atr() const override { return atr_; }
  // "replay:PATH".
  std::string Name() const override { return "replay:" + name_; }
  // Does nothing: the trace carries the card state that followed the original reconnect.
  Status Reconnect(bool reset) override;
  // True if the trace holds an extended-length C-APDU: the recorded session used extended
  // length (offered by its reader, or forced), so the replay must too to match byte for byte.
  bool SupportsExtendedLength() const override;

  // Exchanges not yet replayed.
  size_t remaining() const { return exchanges_.size() - next_; }
  // All recorded exchanges, in order.
  const std::vector<Exchange>& exchanges() const { return exchanges_; }

  // Use Open() or FromText().
  ReplayReader(std::string name, Bytes atr, std::vector<Exchange> exchanges);

 private:
  std::string name_;
  Bytes atr_;
  std::vector<Exchange> exchanges_;
  size_t next_ = 0;
};

}  // namespace esim
