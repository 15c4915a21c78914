#include "readers/replay_reader.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>

namespace esim {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// True if `s` starts with `prefix`, ignoring ASCII case.
bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  return std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

// Hex as a trace writes it, where "**" stands for a masked byte (readers/trace_mask.h): sets
// `masked` per byte and reads a masked byte as '*' (0x2A).
Result<Bytes> FromTraceHex(std::string_view text, std::vector<bool>& masked) {
  std::string plain;
  masked.clear();
  size_t digits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '*') {
      if (digits % 2 != 0 || i + 1 >= text.size() || text[i + 1] != '*') {
        return Status(ErrorCode::kInvalidInput, "a masked byte is written \"**\"");
      }
      masked.resize(digits / 2, false);
      masked.push_back(true);
      plain += "2A";
      digits += 2;
      ++i;
    } else {
      plain += text[i];
      if (std::isxdigit(static_cast<unsigned char>(text[i]))) ++digits;
    }
  }
  ESIM_ASSIGN_OR_RETURN(Bytes bytes, FromHex(plain));
  masked.resize(bytes.size(), false);
  return bytes;
}

// True if `command` is `expected` but for its masked bytes.
bool SameCommand(ByteView command, const ReplayReader::Exchange& expected) {
  if (command.size() != expected.command.size()) return false;
  for (size_t i = 0; i < command.size(); ++i) {
    const bool masked = i < expected.masked.size() && expected.masked[i];
    if (!masked && command[i] != expected.command[i]) return false;
  }
  return true;
}

Status LineError(const std::string& name, size_t line, const std::string& message) {
  return Status(ErrorCode::kInvalidInput,
                name + ":" + std::to_string(line) + ": " + message);
}

}  // namespace

ReplayReader::ReplayReader(std::string name, Bytes atr, std::vector<Exchange> exchanges)
    : name_(std::move(name)), atr_(std::move(atr)), exchanges_(std::move(exchanges)) {}

Result<std::unique_ptr<ReplayReader>> ReplayReader::Open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return Status(ErrorCode::kIo, "cannot open trace file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Status(ErrorCode::kIo, "cannot read trace file " + path);
  return FromText(text.str(), path);
}

Result<std::unique_ptr<ReplayReader>> ReplayReader::FromText(const std::string& text,
                                                             const std::string& name) {
  Bytes atr;
  std::vector<Exchange> exchanges;
  std::optional<Exchange> pending;  // a `>` line still waiting for its `<`
  std::istringstream in(text);
  std::string raw;
  size_t line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    std::string_view line = Trim(raw);
    if (line.empty()) continue;
    const char kind = line.front();
    std::string_view rest = line.substr(1);
    if (kind == '#') {
      rest = Trim(rest);
      if (StartsWithNoCase(rest, "ATR:")) {
        Result<Bytes> parsed = FromHex(rest.substr(4));
        if (!parsed.ok()) return LineError(name, line_no, "bad ATR: " + parsed.status().message());
        atr = std::move(*parsed);
      }
      continue;
    }
    if (kind != '>' && kind != '<') {
      return LineError(name, line_no,
                       "expected a line starting with '>' (command), '<' (answer) or '#' "
                       "(comment), got '" + std::string(line.substr(0, 20)) + "'");
    }
    // Text after '#' on an APDU line is an annotation (SW description, timing).
    rest = rest.substr(0, rest.find('#'));
    std::vector<bool> masked;
    Result<Bytes> apdu = FromTraceHex(rest, masked);
    if (!apdu.ok()) return LineError(name, line_no, "bad hex: " + apdu.status().message());
    if (kind == '>') {
      if (apdu->size() < 4) {
        return LineError(name, line_no, "command shorter than the 4 header bytes");
      }
      // A command followed directly by another: the original reader failed on the first.
      if (pending) exchanges.push_back(std::move(*pending));
      pending = Exchange{std::move(*apdu), line_no, std::nullopt, 0, std::move(masked)};
    } else {
      if (!pending) return LineError(name, line_no, "answer without a preceding '>' command");
      if (apdu->size() < 2) {
        return LineError(name, line_no, "answer shorter than the 2 status bytes");
      }
      pending->response = std::move(*apdu);
      pending->response_line = line_no;
      exchanges.push_back(std::move(*pending));
      pending.reset();
    }
  }
  if (pending) exchanges.push_back(std::move(*pending));
  return std::make_unique<ReplayReader>(name, std::move(atr), std::move(exchanges));
}

Result<Bytes> ReplayReader::Transmit(ByteView command) {
  if (next_ >= exchanges_.size()) {
    return Status(ErrorCode::kReaderError,
                  "trace ended: " + name_ + " has no exchange left for command " +
                      ToHex(command) + " (" + std::to_string(exchanges_.size()) +
                      " exchanges replayed)");
  }
  const Exchange& expected = exchanges_[next_];
  if (!SameCommand(command, expected)) {
    // Not advancing: after a mismatch the rest of the trace no longer applies.
    return Status(ErrorCode::kReaderError,
                  "replay mismatch at " + name_ + ":" + std::to_string(expected.command_line) +
                      ": expected command " + ToHex(expected.command) + ", got " +
                      ToHex(command));
  }
  ++next_;
  if (!expected.response) {
    return Status(ErrorCode::kReaderError,
                  "recorded exchange at " + name_ + ":" + std::to_string(expected.command_line) +
                      " has no answer (the original reader failed there)");
  }
  return *expected.response;
}

Status ReplayReader::Reconnect(bool /*reset*/) { return Status::Ok(); }

bool ReplayReader::SupportsExtendedLength() const {
  // After the header, a short APDU has a non-zero Lc or is exactly 5 bytes (Le only); an
  // extended one starts its length fields with a 00 byte.
  return std::any_of(exchanges_.begin(), exchanges_.end(), [](const Exchange& e) {
    return e.command.size() > 5 && e.command[4] == 0x00;
  });
}

}  // namespace esim
