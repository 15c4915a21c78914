// Fuzz target: the trace-file parser (ReplayReader::FromText, readers/replay_reader.cc) and
// replaying what it parsed: every recorded command is sent back in order (must answer the
// recorded response or the recorded failure), then one command past the end.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "readers/replay_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace esim;
  std::string text(reinterpret_cast<const char*>(data), size);
  auto reader = ReplayReader::FromText(text, "fuzz.trace");
  if (!reader.ok()) return 0;
  (void)(*reader)->Atr();
  const auto exchanges = (*reader)->exchanges();
  for (const ReplayReader::Exchange& exchange : exchanges) {
    Result<Bytes> answer = (*reader)->Transmit(exchange.command);
    if (answer.ok() != exchange.response.has_value() || (answer.ok() && *answer != *exchange.response)) {
      std::fprintf(stderr, "fuzz_trace_parser: replay of line %zu differs from the trace\n",
                   exchange.command_line);
      std::abort();
    }
  }
  if ((*reader)->remaining() != 0) std::abort();
  if ((*reader)->Transmit(Bytes{0x00, 0xA4, 0x04, 0x00}).ok()) std::abort();
  return 0;
}
