#include "src/cli/output.h"

#include <algorithm>
#include <ostream>

#include "asn1/json.h"
#include "common/exit_codes.h"
#include "common/utf8.h"

namespace esim {

void Output::Json(const nlohmann::json& document) {
  out_ << es10::JsonText(document, 2) << "\n";
}

void Output::Text(const std::string& text) {
  // Text mode prints what the card sent (names, addresses) to a terminal.
  out_ << TerminalText(text);
  if (!text.empty() && text.back() != '\n') out_ << "\n";
}

int Output::Error(const Status& status) {
  if (json_) {
    Json({{"error", {{"code", ErrorCodeName(status.code())}, {"message", status.message()}}}});
  } else {
    err_ << "esimctl: " << TerminalText(status.message()) << "\n";
  }
  return ExitCodeFor(status.code());
}

int Output::Finish(nlohmann::json document, const std::string& text, const Status& status) {
  if (json_) {
    if (!status.ok()) {
      document["error"] = {{"code", ErrorCodeName(status.code())}, {"message", status.message()}};
    }
    Json(document);
  } else {
    Text(text);
    if (!status.ok()) err_ << "esimctl: " << TerminalText(status.message()) << "\n";
  }
  return ExitCodeFor(status.code());
}

void Output::Note(const std::string& text) { err_ << TerminalText(text) << "\n"; }

namespace {

size_t DisplayWidth(const std::string& s) {
  // Counts code points: continuation bytes (10xxxxxx) do not start a character.
  return static_cast<size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

}  // namespace

std::string RenderTable(const std::vector<std::string>& header,
                        std::vector<std::vector<std::string>> rows) {
  // Cleaned before measuring: a replaced byte is one column wide, a stray continuation byte none.
  for (auto& row : rows) {
    for (auto& cell : row) cell = TerminalText(cell);
  }
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(row[i]));
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);

  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - DisplayWidth(row[i]) + 2, ' ');
    }
    out += line + "\n";
  };
  emit(header);
  for (const auto& row : rows) emit(row);
  return out;
}

}  // namespace esim
