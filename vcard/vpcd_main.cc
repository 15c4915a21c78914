// esimctl-vcard: the virtual eUICC as a card in a real pcscd, through the vpcd reader driver.
//
//   esimctl-vcard --state FILE [--port N] [--host H] [--latency-ms N] [--short-apdu]
//                 [--extended-length] [--reject-extended] [--reject-extended-for TAG]
//                 [--isdr-aid HEX] [--not-euicc] [--exit-after N]
//                 [--drop-response-after-enable] [--drop-reconnect-ms N] [--sw-6a88-once]
//                 [--sw-6a88-at N] [--select-61xx] [--endless-61xx] [--wrong-le-once] [--remove-card-after N] [-v]
//
// Connects to vpcd (retrying while pcscd starts), then answers APDUs until pcscd goes away,
// SIGTERM/SIGINT, or --exit-after N APDUs were answered (models a card pulled mid-command:
// the connection closes and the process exits). Logs to stderr only with -v.
//
// One-shot faults (each fires once, then the card behaves normally):
//   --drop-response-after-enable  the first successful EnableProfile is executed and saved,
//       but no R-APDU comes back, like a card that refreshes (resets) at once. The card
//       resets its vpcd connection (TCP RST). The client's pending SCardTransmit returns at
//       once, never hangs: through vsmartcard-vpcd 3.3 it reports SCARD_S_SUCCESS with a
//       0-byte answer (a vpcd quirk; esimctl's PC/SC reader then fails the command), a
//       fixed driver would say SCARD_E_NOT_TRANSACTED. pcscd sees the card removed at its
//       next poll; after --drop-reconnect-ms (default 1000) the card comes back (powered on
//       afresh, same state file) and a NEW connection works: wait for it
//       (tests/pcsc_wait --empty, then --present) before the next command.
//   --sw-6a88-once  the next complete ES10 command (last STORE DATA block) is answered 6A88
//       without being executed.
//   --sw-6a88-at N  the Nth complete ES10 command of the session is answered 6A88 without
//       being executed (6A88 in the middle of a multi-command operation).
//   --wrong-le-once  the first 61xx announcing fewer than 240 bytes announces 16 too many;
//       the GET RESPONSE asking for that many gets 6Cxx (the real length).
//   --remove-card-after N  after answering N APDUs the card leaves the reader and comes back
//       after --drop-reconnect-ms (0 = stays away), same state file: pulled and re-inserted.
//
// Quirks for the whole session (docs/quirks.md):
//   --select-61xx   SELECT of the ISD-R answers 61xx (the FCI waits for GET RESPONSE).
//   --endless-61xx  every ES10 command is answered 6100 without data and not executed, and
//       every GET RESPONSE after it 6100 again, for ever (a modem seen in the field).
//   --extended-length  the ATR offers T=1 and announces extended Lc/Le (pcscd negotiates
//       T=1); answers of up to Le bytes come at once (65536 with an extended Le).
//   --reject-extended  the ATR of --extended-length, but every extended-form APDU is answered
//       6700 (wrong length) without being executed: a card that lies in its ATR.
//   --reject-extended-for TAG  the same for one ES10 function: only an extended STORE DATA whose
//       request starts with TAG (hex, e.g. BF32) is refused; other extended APDUs work.
// Exit: 0 normal end, 1 runtime error, 2 usage, 3 bad state file, 4 state file unreadable.

#include <atomic>
#include <csignal>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "common/bytes.h"
#include "common/status.h"
#include "vcard/virtual_euicc.h"
#include "vcard/vpcd_link.h"

namespace {

volatile std::sig_atomic_t g_stop_requested = 0;
// Set once the link exists, for the signal handler (a lock-free atomic is signal-safe).
std::atomic<esim::vcard::VpcdLink*> g_link{nullptr};

extern "C" void OnStopSignal(int) {
  g_stop_requested = 1;
  if (esim::vcard::VpcdLink* link = g_link.load()) link->Stop();
}

void InstallStopHandler() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: interrupt the connect retry sleep too
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

// The virtual eUICC seen from the vpcd side.
class EuiccCard : public esim::vcard::VpcdCard {
 public:
  explicit EuiccCard(std::unique_ptr<esim::vcard::VirtualEuicc> euicc) : euicc_(std::move(euicc)) {}
  esim::Bytes Atr() override { return euicc_->Atr(); }
  void Reset() override { euicc_->Reset(); }
  esim::Bytes Process(esim::ByteView command) override { return euicc_->Process(command); }

 private:
  std::unique_ptr<esim::vcard::VirtualEuicc> euicc_;
};

int ExitCodeFor(const esim::Status& status) {
  switch (status.code()) {
    case esim::ErrorCode::kInvalidInput: return 3;
    case esim::ErrorCode::kIo: return 4;
    default: return 1;
  }
}

// Everything the command line sets, each knob bound straight to the field that uses it.
struct Settings {
  std::string state_path;
  esim::vcard::VirtualEuicc::Options card;
  esim::vcard::VpcdLink::Options link;
  // A hex value that did not parse (of two, the later declared: --reject-extended-for), reported
  // with exit 2 once CLI11 has parsed the whole command line, so that --help and CLI11's own
  // usage errors come first.
  std::optional<std::string> bad_value;
};

// Declares every option of esimctl-vcard on `app`, bound to `settings`.
void DeclareOptions(CLI::App& app, Settings& settings) {
  std::optional<std::string>& bad_value = settings.bad_value;
  esim::vcard::VirtualEuicc::Options& card = settings.card;
  esim::vcard::VpcdLink::Options& link = settings.link;
  app.add_option("--state", settings.state_path, "JSON state file of the virtual eUICC")->required();
  app.add_option("--port", link.port, "vpcd TCP port (slot 0 of DEVICENAME /dev/null:PORT)")
      ->capture_default_str();
  app.add_option("--host", link.host, "vpcd host")->capture_default_str();
  app.add_option("--connect-timeout-ms", link.connect_timeout_ms,
                 "how long to keep trying to reach vpcd")
      ->capture_default_str();
  app.add_option("--latency-ms", card.latency_ms, "extra delay per APDU, like a real card");
  app.add_flag("--short-apdu", card.short_apdu_only,
               "answer > 256 bytes only through 61xx (T=0 style)");
  // Hex values go through a parse into their field; an empty one leaves the knob unset.
  app.add_option_function<std::string>(
      "--isdr-aid",
      [&card, &bad_value](const std::string& hex) {
        if (hex.empty()) return;
        auto aid = esim::FromHex(hex);
        if (!aid.ok()) {
          bad_value = "--isdr-aid: " + aid.status().message();
          return;
        }
        card.isdr_aid = std::move(aid).value();
      },
      "ISD-R AID in hex, overriding the state file");
  app.add_flag("--not-euicc", card.not_euicc, "behave as a plain smart card (SELECT by AID: 6A82)");
  app.add_option("--exit-after", link.exit_after,
                 "leave (card removed) after answering N APDUs; 0 = never");
  app.add_flag("--drop-response-after-enable", card.drop_response_after_enable,
               "execute the first successful EnableProfile but send no R-APDU: the card leaves "
               "the reader (the transmit fails at once) and comes back after "
               "--drop-reconnect-ms");
  app.add_option("--drop-reconnect-ms", link.drop_reconnect_ms,
                 "how long the card stays away after a dropped answer; 0 = it does not come back")
      ->capture_default_str();
  app.add_flag("--sw-6a88-once", card.sw_6a88_once,
               "answer the next complete ES10 command 6A88 without executing it (once)");
  app.add_option("--sw-6a88-at", card.sw_6a88_at,
                 "answer the Nth complete ES10 command of the session 6A88 without executing it");
  app.add_flag("--select-61xx", card.select_61xx,
               "SELECT of the ISD-R answers 61xx: the FCI waits for GET RESPONSE");
  app.add_flag("--endless-61xx", card.endless_61xx,
               "answer every ES10 command 6100 (not executed) and every GET RESPONSE after it "
               "6100, for ever");
  app.add_flag("--wrong-le-once", card.wrong_le_once,
               "once, announce 16 bytes too many in a 61xx; the GET RESPONSE for them gets 6Cxx");
  app.add_flag("--extended-length", card.extended_length,
               "ATR offers T=1 and announces extended Lc/Le; answers up to Le bytes at once");
  app.add_flag("--reject-extended", card.reject_extended,
               "ATR announces extended length, but every extended APDU is answered 6700 "
               "without being executed");
  app.add_option_function<std::string>(
      "--reject-extended-for",
      [&card, &bad_value](const std::string& hex) {
        if (hex.empty()) return;
        auto tag = esim::FromHex(hex);
        if (!tag.ok() || tag->empty()) {
          bad_value = "--reject-extended-for: a tag in hex, e.g. BF32";
          return;
        }
        card.reject_extended_for = std::move(tag).value();
      },
      "ATR announces extended length; an extended STORE DATA whose ES10 request "
      "starts with TAG (hex, e.g. BF32) is answered 6700 without being executed");
  app.add_option("--remove-card-after", link.remove_card_after,
                 "after answering N APDUs the card leaves the reader and comes back after "
                 "--drop-reconnect-ms (once); 0 = never");
  app.add_option_function<std::string>(
      "--download-fail",
      [&card, &bad_value](const std::string& text) {
        auto fail = esim::vcard::ParseDownloadFail(text);
        if (!fail.ok()) {
          bad_value = fail.status().message();
          return;
        }
        card.download_fail = *fail;
      },
      "refuse a download step: authenticate:N or prepare:N (that error code), install:N "
      "(BF37 errorReason N at InitialiseSecureChannel)");
  app.add_option_function<std::string>(
      "--bpp-segment-answer",
      [&card, &bad_value](const std::string& text) {
        auto answer = esim::vcard::ParseSegmentAnswer(text);
        if (!answer.ok()) {
          bad_value = answer.status().message();
          return;
        }
        card.bpp_segment_answer = *answer;
      },
      "once, execute the K-th STORE DATA sequence of a BPP load (K from 1, or last) but answer "
      "it 6Fxx (K:6F00) or not at all (K:none: the card leaves the reader, as for "
      "--drop-response-after-enable)");
  app.add_option("--bpp-segment-delay-ms", card.bpp_segment_delay_ms,
                 "sleep before each STORE DATA sequence of a BPP load");
  app.add_flag("-v,--verbose", link.verbose, "log control bytes and APDUs to stderr");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"esimctl-vcard: the virtual eUICC as a card behind pcscd's vpcd driver"};
  Settings settings;
  DeclareOptions(app, settings);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a ParseError too (exit 0); every real usage error exits 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (settings.bad_value) {
    std::fprintf(stderr, "esimctl-vcard: %s\n", settings.bad_value->c_str());
    return 2;
  }

  esim::vcard::VpcdLink::Options& link = settings.link;
  auto euicc = esim::vcard::VirtualEuicc::Load(settings.state_path, settings.card);
  if (!euicc.ok()) {
    std::fprintf(stderr, "esimctl-vcard: %s\n", euicc.status().message().c_str());
    return ExitCodeFor(euicc.status());
  }
  EuiccCard card(std::move(euicc).value());

  InstallStopHandler();
  link.cancel = &g_stop_requested;
  auto connected = esim::vcard::VpcdLink::Connect(link);
  if (!connected.ok()) {
    if (g_stop_requested) return 0;
    std::fprintf(stderr, "esimctl-vcard: %s\n", connected.status().message().c_str());
    return 1;
  }
  std::unique_ptr<esim::vcard::VpcdLink> vpcd = std::move(connected).value();
  g_link.store(vpcd.get());
  // A signal that arrived between Connect() and here would otherwise be lost.
  if (g_stop_requested) vpcd->Stop();
  const esim::Status status = vpcd->Run(card);
  g_link.store(nullptr);
  if (!status.ok()) {
    std::fprintf(stderr, "esimctl-vcard: %s\n", status.message().c_str());
    return 1;
  }
  if (link.verbose) {
    std::fprintf(stderr, "esimctl-vcard: done after %llu APDUs (%llu answers dropped)\n",
                 static_cast<unsigned long long>(vpcd->apdus()),
                 static_cast<unsigned long long>(vpcd->drops()));
  }
  return 0;
}
