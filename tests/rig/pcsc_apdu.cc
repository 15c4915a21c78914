// pcsc_apdu: sends APDUs through esimctl's PC/SC backend (PcscReader); the rig's smoke test.
//
//   pcsc_apdu [--reader SPEC] [--shared] [--repeat N] [--expect-sw HEX] [--expect-error NAME]
//             [--get-response CLA] [--timing] [--max-median-us N] [--hold-ms N] [-q] APDU_HEX...
//
// Sends the APDUs in order, --repeat times, printing "> command" / "< response" (unless -q).
// --get-response CLA follows every 61xx answer with GET RESPONSE `CLA C0 00 00 xx` until the
// card answers something else, as a third-party LPA would (80 / 81: the proprietary class), and
// prints each command's whole answer as "= DATA SW" (unless -q).
// --expect-sw checks the SW of every answer (with --get-response: each command's last one). --expect-error NAME inverts the verdict: succeed
// only if some step fails with that ErrorCode name (no_card, card_removed, reader_busy, ...).
// --timing prints min/median/p99/max round trip per APDU; --max-median-us fails above a bound.
// --hold-ms keeps the connection open afterwards (to make another program see a busy reader).
// Exit: 0 as expected, 1 otherwise, 2 usage.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/bytes.h"
#include "common/status.h"
#include "readers/pcsc_reader.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string reader;
  bool shared = false;
  uint32_t repeat = 1;
  std::string expect_sw;
  std::string expect_error;
  std::string get_response_cla;  // hex byte; empty: 61xx answers are not followed
  bool timing = false;
  double max_median_us = 0;
  uint32_t hold_ms = 0;
  bool quiet = false;
  std::vector<std::string> apdus;
};

// Runs the exchange; returns the first error.
esim::Status Exchange(const Options& o, std::vector<double>* micros) {
  std::vector<esim::Bytes> commands;
  for (const std::string& hex : o.apdus) {
    ESIM_ASSIGN_OR_RETURN(esim::Bytes c, esim::FromHex(hex));
    commands.push_back(std::move(c));
  }
  ESIM_ASSIGN_OR_RETURN(esim::Bytes want_sw, esim::FromHex(o.expect_sw));
  const auto share =
      o.shared ? esim::PcscReader::ShareMode::kShared : esim::PcscReader::ShareMode::kExclusive;
  ESIM_ASSIGN_OR_RETURN(std::unique_ptr<esim::PcscReader> reader,
                        esim::PcscReader::Open(o.reader, share));
  if (!o.quiet) {
    std::printf("reader: %s (T=%d) ATR %s\n", reader->Name().c_str(),
                reader->protocol() == SCARD_PROTOCOL_T0 ? 0 : 1,
                esim::ToHex(reader->Atr()).c_str());
  }
  std::optional<uint8_t> get_response_cla;
  if (!o.get_response_cla.empty()) {
    ESIM_ASSIGN_OR_RETURN(esim::Bytes cla, esim::FromHex(o.get_response_cla));
    if (cla.size() != 1) return esim::Status(esim::ErrorCode::kInvalidInput, "--get-response: one byte");
    get_response_cla = cla[0];
  }
  // Sends `command`, timing it and printing the exchange.
  auto transmit = [&](const esim::Bytes& command) -> esim::Result<esim::Bytes> {
    const auto start = Clock::now();
    ESIM_ASSIGN_OR_RETURN(esim::Bytes response, reader->Transmit(command));
    micros->push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    if (!o.quiet) {
      std::printf("> %s\n< %s\n", esim::ToHex(command).c_str(), esim::ToHex(response).c_str());
    }
    return response;  // PcscReader never returns an answer without its two SW bytes
  };
  for (uint32_t round = 0; round < o.repeat; ++round) {
    for (const esim::Bytes& command : commands) {
      ESIM_ASSIGN_OR_RETURN(esim::Bytes response, transmit(command));
      if (get_response_cla) {
        esim::Bytes data(response.begin(), response.end() - 2);
        // 1024 rounds: the bound esimctl itself keeps (docs/quirks.md).
        for (int rounds = 0; response[response.size() - 2] == 0x61 && rounds < 1024; ++rounds) {
          const esim::Bytes get_response{*get_response_cla, 0xC0, 0x00, 0x00, response.back()};
          ESIM_ASSIGN_OR_RETURN(response, transmit(get_response));
          data.insert(data.end(), response.begin(), response.end() - 2);
        }
        if (!o.quiet) {
          std::printf("= %s %s\n", esim::ToHex(data).c_str(),
                      esim::ToHex(esim::ByteView(response).last(2)).c_str());
        }
      }
      if (!want_sw.empty() &&
          !std::equal(want_sw.begin(), want_sw.end(), response.end() - 2, response.end())) {
        return esim::Status(esim::ErrorCode::kCardStatus,
                            "expected SW " + esim::ToHex(want_sw) + ", got " +
                                esim::ToHex(esim::ByteView(response).last(2)));
      }
    }
  }
  if (o.hold_ms) std::this_thread::sleep_for(std::chrono::milliseconds(o.hold_ms));
  return esim::Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pcsc_apdu: send APDUs through esimctl's PC/SC backend"};
  Options o;
  app.add_option("--reader", o.reader, "reader name, index or substring");
  app.add_flag("--shared", o.shared, "connect shared instead of exclusive");
  app.add_option("--repeat", o.repeat, "send the list this many times");
  app.add_option("--expect-sw", o.expect_sw, "SW every answer must end with (hex)");
  app.add_option("--expect-error", o.expect_error, "succeed only on this error code name");
  app.add_option("--get-response", o.get_response_cla,
                 "follow 61xx with GET RESPONSE in this class (hex byte, e.g. 80)");
  app.add_flag("--timing", o.timing, "print round-trip statistics");
  app.add_option("--max-median-us", o.max_median_us, "fail if the median round trip is slower");
  app.add_option("--hold-ms", o.hold_ms, "keep the connection this long afterwards");
  app.add_flag("-q,--quiet", o.quiet, "do not print the exchange");
  app.add_option("apdus", o.apdus, "C-APDUs in hex")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a ParseError too (exit 0); every real usage error exits 2.
    return app.exit(e) == 0 ? 0 : 2;
  }

  std::vector<double> micros;
  const esim::Status status = Exchange(o, &micros);
  if (o.timing && !micros.empty()) {
    std::vector<double> sorted = micros;
    std::sort(sorted.begin(), sorted.end());
    const double median = sorted[sorted.size() / 2];
    std::printf("round trip over %zu APDUs (us): min %.1f median %.1f p99 %.1f max %.1f\n",
                sorted.size(), sorted.front(), median, sorted[sorted.size() * 99 / 100],
                sorted.back());
    if (o.max_median_us > 0 && median > o.max_median_us) {
      std::fprintf(stderr, "pcsc_apdu: median %.1f us is above %.1f us\n", median,
                   o.max_median_us);
      return 1;
    }
  }
  if (!status.ok()) {
    std::fprintf(stderr, "pcsc_apdu: %s: %s\n", esim::ErrorCodeName(status.code()),
                 status.message().c_str());
    if (!o.expect_error.empty()) return o.expect_error == esim::ErrorCodeName(status.code()) ? 0 : 1;
    return 1;
  }
  if (!o.expect_error.empty()) {
    std::fprintf(stderr, "pcsc_apdu: expected error %s, but everything worked\n",
                 o.expect_error.c_str());
    return 1;
  }
  return 0;
}
