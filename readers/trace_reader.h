// TracingReader: a Reader decorator that writes every APDU exchange to a stream.
//
// Two uses: `--trace FILE` (a replayable record of a session, read back by ReplayReader) and
// `-v` (a readable APDU log on stderr). Both write the same line format, so a saved -v log
// replays too:
//
//   # esimctl APDU trace            <- header comments: reader, ATR, start time (UTC)
//   # reader: Virtual PCD 00 00
//   # ATR: 3B9F96803FC7008031E073FE211B63...
//   > 80E2910003BF2D00              <- C-APDU, upper-case hex
//   < BF2D03810101 9000  # ok, 4.2 ms   <- R-APDU (SW included); annotations after '#'
//
// With TraceOptions::annotate the SW is set apart by a space and each answer carries a
// comment with the SW description and the time the inner reader took. Failures of the inner
// reader are written as "# error: ..." comment lines. Registered secrets (matching IDs) are
// written as "**" per byte, with a "matching ID masked" note (readers/trace_mask.h). Each exchange is flushed at once so a
// crash leaves a complete trace. Not thread-safe, like every Reader.
#pragma once

#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "readers/reader.h"
#include "readers/trace_mask.h"

namespace esim {

// How a TracingReader writes. Declared outside the class so it can be a default argument.
struct TraceOptions {
  // Start with comment lines naming the reader, its ATR and the time.
  bool header = true;
  // Human-readable extras: SW split off the data, "# <description>, <ms> ms" per answer.
  bool annotate = false;
  // Names a status word for annotations (pass apdu::DescribeStatusWord); null = no names.
  // A function rather than a dependency because readers/ sits below apdu/.
  std::function<std::string(uint16_t sw)> describe_sw;
};

class TracingReader : public Reader {
 public:
  // Traces `inner` to `out`, which must outlive the reader (e.g. std::cerr for -v).
  TracingReader(std::unique_ptr<Reader> inner, std::ostream& out, TraceOptions options = {});
  // Traces `inner` to a new file at `path` (truncated). kIo when it cannot be created.
  static Result<std::unique_ptr<TracingReader>> ToFile(std::unique_ptr<Reader> inner,
                                                      const std::string& path,
                                                      TraceOptions options = {});

  // Transmits through the inner reader and records command and answer (or the error).
  Result<Bytes> Transmit(ByteView command) override;
  // The inner reader's ATR.
  Bytes Atr() const override { return inner_->Atr(); }
  // The inner reader's name: tracing is invisible to the user.
  std::string Name() const override { return inner_->Name(); }
  // Reconnects the inner reader and records it as a comment line.
  Status Reconnect(bool reset) override;
  // As the inner reader.
  bool SupportsExtendedLength() const override { return inner_->SupportsExtendedLength(); }
  // As the inner reader (a modem's line limit shows through the trace).
  size_t MaxCommandSize() const override { return inner_->MaxCommandSize(); }
  bool BasicChannelUsable() const override { return inner_->BasicChannelUsable(); }

  // The decorated reader.
  Reader& inner() { return *inner_; }

 private:
  void WriteHeader();

  std::unique_ptr<Reader> inner_;
  std::ostream& out_;
  std::unique_ptr<std::ofstream> file_;  // set by ToFile: the stream out_ refers to
  TraceOptions options_;
  TraceMasker masker_;  // hides registered matching IDs (readers/trace_mask.h)
};

}  // namespace esim
