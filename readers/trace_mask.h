// Masking of secrets (matching IDs) in APDU traces: `--trace FILE` and the `-v` log.
//
// A matching ID travels to the card in AuthenticateServer's ctxParams1 (`80 LL <id>`) and comes
// back in the card's euiccSigned1, which echoes ctxParams1. Both messages are longer than one
// APDU, so the ID can be cut in two by STORE DATA chaining or GET RESPONSE; the masker carries a
// partial match from one APDU to the next of the same direction. Each masked byte is written as
// "**" (two characters, as the hex it replaces), so lines keep their lengths and offsets, and a
// masked trace still replays: ReplayReader takes "**" in a command as any byte and in an answer
// as '*' (0x2A).
//
// The list of secrets is process-wide (RegisterTraceSecret), because the command that learns a
// matching ID (profile download) runs after the session and its trace were set up. Registering
// is thread-safe; a TraceMasker is not (one per TracingReader, like the reader itself).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"

namespace esim {

// Adds `secret` (a matching ID; empty is ignored) to the secrets every trace masks from now on.
void RegisterTraceSecret(std::string_view secret);
// The secrets registered so far.
std::vector<Bytes> TraceSecrets();
// Forgets every registered secret (for tests).
void ClearTraceSecrets();

class TraceMasker {
 public:
  // A C-APDU as upper-case hex with secret bytes of its data field as "**"; `masked` (if not
  // null) is set to whether anything was masked.
  std::string Command(ByteView apdu, bool* masked = nullptr);
  // An R-APDU's data field (SW excluded) as upper-case hex, masked likewise.
  std::string AnswerData(ByteView data, bool* masked = nullptr);

 private:
  // A secret's tagged form `80 LL <id>` matched up to `matched` bytes at the end of the last data.
  struct Carry {
    Bytes pattern;
    size_t header = 0;   // tag and length bytes before the secret
    size_t matched = 0;
  };
  std::string Mask(ByteView bytes, size_t begin, size_t end, std::optional<Carry>& carry, bool* masked);

  std::optional<Carry> command_carry_;
  std::optional<Carry> answer_carry_;
};

}  // namespace esim
