// Fuzz target: the logic of `esimctl decode` (src/cli/cmd_decode.cc): hex text or raw bytes
// into DescribeEs10 (auto-detection of request/response, or a forced direction) and the text
// and JSON renderings the command prints.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "asn1/describe.h"
#include "asn1/json.h"
#include "common/bytes.h"
#include "common/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace esim;
  if (size < 1) return 0;
  const uint8_t mode = data[0];
  es10::Direction direction = mode % 3 == 0   ? es10::Direction::kAuto
                              : mode % 3 == 1 ? es10::Direction::kRequest
                                              : es10::Direction::kResponse;
  Bytes der;
  if (mode & 0x80) {
    // As the command reads its argument (or stdin): hex text, spaces and newlines allowed.
    Result<Bytes> parsed = FromHex(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
    if (!parsed.ok()) return 0;
    der = std::move(*parsed);
  } else {
    der.assign(data + 1, data + size);
  }
  if (der.empty()) return 0;
  Result<nlohmann::json> described = es10::DescribeEs10(der, direction);
  if (!described.ok()) return 0;
  // What text mode prints must be UTF-8 without a control character other than tab and newline.
  const std::string shown = TerminalText(es10::RenderText(*described));
  for (size_t pos = 0; pos < shown.size();) {
    std::optional<Utf8Char> c = DecodeUtf8At(shown, pos);
    if (!c || (c->code < 0x20 && c->code != '\t' && c->code != '\n') || (c->code >= 0x7F && c->code <= 0x9F)) {
      std::fprintf(stderr, "fuzz_decode_command: TerminalText left bad UTF-8 or a control at byte %zu\n", pos);
      std::abort();
    }
    pos += c->length;
  }
  (void)es10::JsonText(*described, 2);  // as Output::Json prints it
  return 0;
}
