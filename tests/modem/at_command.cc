#include "tests/modem/at_command.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace esim::modemsim {
namespace {

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Splits at commas outside double quotes.
std::vector<std::string_view> SplitArgs(std::string_view args) {
  std::vector<std::string_view> out;
  bool quoted = false;
  size_t start = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == '"') quoted = !quoted;
    if (args[i] == ',' && !quoted) {
      out.push_back(args.substr(start, i - start));
      start = i + 1;
    }
  }
  out.push_back(args.substr(start));
  return out;
}

std::string_view Unquote(std::string_view text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') return text.substr(1, text.size() - 2);
  return text;
}

std::optional<long> ParseNumber(std::string_view text) {
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// "<len>,\"<hex>\"": the hex as bytes when the length (hex digits) matches and it is >= 4 bytes.
std::optional<Bytes> ParseLengthAndHex(std::string_view len_text, std::string_view hex_text) {
  auto len = ParseNumber(len_text);
  std::string_view hex = Unquote(hex_text);
  if (!len || static_cast<size_t>(*len) != hex.size()) return std::nullopt;
  auto bytes = FromHex(hex);
  if (!bytes.ok() || bytes->size() < 4) return std::nullopt;
  return std::move(bytes).value();
}

Command Malformed() { return Command{CommandKind::kMalformed, "", false, 0, {}}; }

Command ParseExtended(std::string_view upper_rest, std::string_view rest) {
  // upper_rest/rest start after "AT+"; the name ends at '=' or the end.
  size_t eq = upper_rest.find('=');
  std::string name(upper_rest.substr(0, eq));
  static const char* const kKnown[] = {"CCHO", "CGLA", "CCHC", "CSIM"};
  if (std::find(std::begin(kKnown), std::end(kKnown), name) == std::end(kKnown)) return Command{};
  if (eq == std::string_view::npos) return Malformed();
  std::string_view args = rest.substr(eq + 1);
  Command cmd;
  cmd.name = name;
  if (args == "?") {
    cmd.kind = CommandKind::kTest;
    return cmd;
  }
  std::vector<std::string_view> parts = SplitArgs(args);
  if (name == "CCHO") {
    if (parts.size() != 1) return Malformed();
    auto aid = FromHex(Unquote(parts[0]));
    if (!aid.ok() || aid->empty() || aid->size() > 16) return Malformed();
    cmd.kind = CommandKind::kCcho;
    cmd.data = std::move(aid).value();
    return cmd;
  }
  if (name == "CCHC") {
    auto sid = parts.size() == 1 ? ParseNumber(parts[0]) : std::nullopt;
    if (!sid) return Malformed();
    cmd.kind = CommandKind::kCchc;
    cmd.session = *sid;
    return cmd;
  }
  if (name == "CGLA") {
    if (parts.size() != 3) return Malformed();
    auto sid = ParseNumber(parts[0]);
    auto apdu = ParseLengthAndHex(parts[1], parts[2]);
    if (!sid || !apdu) return Malformed();
    cmd.kind = CommandKind::kCgla;
    cmd.session = *sid;
    cmd.data = std::move(*apdu);
    return cmd;
  }
  // CSIM
  if (parts.size() != 2) return Malformed();
  auto apdu = ParseLengthAndHex(parts[0], parts[1]);
  if (!apdu) return Malformed();
  cmd.kind = CommandKind::kCsim;
  cmd.data = std::move(*apdu);
  return cmd;
}

}  // namespace

std::vector<std::string> LineAssembler::Feed(std::string_view data) {
  std::vector<std::string> lines;
  for (char c : data) {
    if (c == '\n') continue;
    if (c == '\r') {
      if (!partial_.empty()) lines.push_back(std::move(partial_));
      partial_.clear();
      continue;
    }
    partial_.push_back(c);
  }
  return lines;
}

Command ParseCommand(std::string_view line) {
  std::string upper = Upper(line);
  if (!StartsWith(upper, "AT")) return Command{};
  std::string_view rest = std::string_view(upper).substr(2);
  if (rest.empty()) return Command{CommandKind::kAt, "", false, 0, {}};
  if (rest == "E" || rest == "E0" || rest == "E1") {
    return Command{CommandKind::kEcho, "", rest == "E1", 0, {}};
  }
  if (StartsWith(rest, "+")) return ParseExtended(rest.substr(1), line.substr(3));
  return Command{};
}

std::string ApduInfoLine(std::string_view name, ByteView answer) {
  std::string hex = ToHex(answer);
  return "+" + std::string(name) + ": " + std::to_string(hex.size()) + ",\"" + hex + "\"";
}

}  // namespace esim::modemsim
