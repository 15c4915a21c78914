#include "readers/trace_reader.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <utility>

namespace esim {
namespace {

// ISO 8601 UTC time of now, for the header.
std::string NowUtc() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string FormatMs(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", ms);
  return buf;
}

// A message on one line: a trace line must not be split by a multi-line error.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

}  // namespace

TracingReader::TracingReader(std::unique_ptr<Reader> inner, std::ostream& out,
                             TraceOptions options)
    : inner_(std::move(inner)), out_(out), options_(std::move(options)) {
  if (options_.header) WriteHeader();
}

Result<std::unique_ptr<TracingReader>> TracingReader::ToFile(std::unique_ptr<Reader> inner,
                                                             const std::string& path,
                                                             TraceOptions options) {
  auto file = std::make_unique<std::ofstream>(path, std::ios::out | std::ios::trunc);
  if (!file->is_open()) {
    return Status(ErrorCode::kIo, "cannot create trace file " + path);
  }
  // The stream lives on the heap, so handing over the unique_ptr below keeps out_ valid.
  auto reader = std::make_unique<TracingReader>(std::move(inner), *file, std::move(options));
  reader->file_ = std::move(file);
  return reader;
}

void TracingReader::WriteHeader() {
  out_ << "# esimctl APDU trace\n"
       << "# reader: " << OneLine(inner_->Name()) << '\n'
       << "# ATR: " << ToHex(inner_->Atr()) << '\n'
       << "# time: " << NowUtc() << '\n';
  out_.flush();
}

Result<Bytes> TracingReader::Transmit(ByteView command) {
  // The command goes out before the exchange so that a hang or crash in the reader still
  // shows what was sent last.
  bool command_masked = false;
  out_ << "> " << masker_.Command(command, &command_masked);
  if (command_masked) out_ << "  # matching ID masked";
  out_ << '\n';
  out_.flush();
  const auto start = std::chrono::steady_clock::now();
  Result<Bytes> answer = inner_->Transmit(command);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  if (!answer.ok()) {
    out_ << "# error: " << ErrorCodeName(answer.status().code()) << ": "
         << OneLine(answer.status().message());
    if (options_.annotate) out_ << " (" << FormatMs(ms) << ")";
    out_ << '\n';
  } else if (answer->size() < 2) {
    out_ << "< " << ToHex(*answer) << '\n';
  } else {
    const Bytes& r = *answer;
    ByteView data(r.data(), r.size() - 2);
    const auto sw = static_cast<uint16_t>(r[r.size() - 2] << 8 | r[r.size() - 1]);
    bool masked = false;
    const std::string data_hex = masker_.AnswerData(data, &masked);
    const std::string sw_hex = ToHex(ByteView(r).subspan(r.size() - 2));
    if (!options_.annotate) {
      out_ << "< " << data_hex << sw_hex;
      if (masked) out_ << "  # matching ID masked";
    } else {
      out_ << "< ";
      if (!data.empty()) out_ << data_hex << ' ';
      out_ << sw_hex << "  # ";
      if (options_.describe_sw) out_ << options_.describe_sw(sw) << ", ";
      out_ << FormatMs(ms);
      if (masked) out_ << ", matching ID masked";
    }
    out_ << '\n';
  }
  out_.flush();
  return answer;
}

Status TracingReader::Reconnect(bool reset) {
  Status status = inner_->Reconnect(reset);
  out_ << "# reconnect" << (reset ? " (reset)" : "");
  if (!status.ok()) out_ << ": error: " << OneLine(status.message());
  out_ << '\n';
  out_.flush();
  return status;
}

}  // namespace esim
