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

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"esimctl-vcard: the virtual eUICC as a card behind pcscd's vpcd driver"};
  std::string state_path;
  esim::vcard::VpcdLink::Options link;
  uint32_t latency_ms = 0;
  bool short_apdu = false;
  std::string isdr_aid_hex;
  bool not_euicc = false;
  bool drop_response_after_enable = false;
  bool sw_6a88_once = false;
  uint32_t sw_6a88_at = 0;
  bool select_61xx = false;
  bool endless_61xx = false;
  bool wrong_le_once = false;
  bool extended_length = false;
  bool reject_extended = false;
  std::string reject_extended_for_hex;
  uint64_t exit_after = 0;
  bool verbose = false;
  app.add_option("--state", state_path, "JSON state file of the virtual eUICC")->required();
  app.add_option("--port", link.port, "vpcd TCP port (slot 0 of DEVICENAME /dev/null:PORT)")
      ->capture_default_str();
  app.add_option("--host", link.host, "vpcd host")->capture_default_str();
  app.add_option("--connect-timeout-ms", link.connect_timeout_ms,
                 "how long to keep trying to reach vpcd")
      ->capture_default_str();
  app.add_option("--latency-ms", latency_ms, "extra delay per APDU, like a real card");
  app.add_flag("--short-apdu", short_apdu, "answer > 256 bytes only through 61xx (T=0 style)");
  app.add_option("--isdr-aid", isdr_aid_hex, "ISD-R AID in hex, overriding the state file");
  app.add_flag("--not-euicc", not_euicc, "behave as a plain smart card (SELECT by AID: 6A82)");
  app.add_option("--exit-after", exit_after,
                 "leave (card removed) after answering N APDUs; 0 = never");
  app.add_flag("--drop-response-after-enable", drop_response_after_enable,
               "execute the first successful EnableProfile but send no R-APDU: the card leaves "
               "the reader (the transmit fails at once) and comes back after "
               "--drop-reconnect-ms");
  app.add_option("--drop-reconnect-ms", link.drop_reconnect_ms,
                 "how long the card stays away after a dropped answer; 0 = it does not come back")
      ->capture_default_str();
  app.add_flag("--sw-6a88-once", sw_6a88_once,
               "answer the next complete ES10 command 6A88 without executing it (once)");
  app.add_option("--sw-6a88-at", sw_6a88_at,
                 "answer the Nth complete ES10 command of the session 6A88 without executing it");
  app.add_flag("--select-61xx", select_61xx,
               "SELECT of the ISD-R answers 61xx: the FCI waits for GET RESPONSE");
  app.add_flag("--endless-61xx", endless_61xx,
               "answer every ES10 command 6100 (not executed) and every GET RESPONSE after it "
               "6100, for ever");
  app.add_flag("--wrong-le-once", wrong_le_once,
               "once, announce 16 bytes too many in a 61xx; the GET RESPONSE for them gets 6Cxx");
  app.add_flag("--extended-length", extended_length,
               "ATR offers T=1 and announces extended Lc/Le; answers up to Le bytes at once");
  app.add_flag("--reject-extended", reject_extended,
               "ATR announces extended length, but every extended APDU is answered 6700 "
               "without being executed");
  app.add_option("--reject-extended-for", reject_extended_for_hex,
                 "ATR announces extended length; an extended STORE DATA whose ES10 request "
                 "starts with TAG (hex, e.g. BF32) is answered 6700 without being executed");
  app.add_option("--remove-card-after", link.remove_card_after,
                 "after answering N APDUs the card leaves the reader and comes back after "
                 "--drop-reconnect-ms (once); 0 = never");
  app.add_flag("-v,--verbose", verbose, "log control bytes and APDUs to stderr");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help is a ParseError too (exit 0); every real usage error exits 2.
    return app.exit(e) == 0 ? 0 : 2;
  }

  esim::vcard::VirtualEuicc::Options card_options;
  card_options.latency_ms = latency_ms;
  card_options.short_apdu_only = short_apdu;
  card_options.not_euicc = not_euicc;
  card_options.drop_response_after_enable = drop_response_after_enable;
  card_options.sw_6a88_once = sw_6a88_once;
  card_options.sw_6a88_at = sw_6a88_at;
  card_options.select_61xx = select_61xx;
  card_options.endless_61xx = endless_61xx;
  card_options.wrong_le_once = wrong_le_once;
  card_options.extended_length = extended_length;
  card_options.reject_extended = reject_extended;
  if (!reject_extended_for_hex.empty()) {
    auto tag = esim::FromHex(reject_extended_for_hex);
    if (!tag.ok() || tag->empty()) {
      std::fprintf(stderr, "esimctl-vcard: --reject-extended-for: a tag in hex, e.g. BF32\n");
      return 2;
    }
    card_options.reject_extended_for = std::move(tag).value();
  }
  if (!isdr_aid_hex.empty()) {
    auto aid = esim::FromHex(isdr_aid_hex);
    if (!aid.ok()) {
      std::fprintf(stderr, "esimctl-vcard: --isdr-aid: %s\n", aid.status().message().c_str());
      return 2;
    }
    card_options.isdr_aid = std::move(aid).value();
  }
  auto euicc = esim::vcard::VirtualEuicc::Load(state_path, card_options);
  if (!euicc.ok()) {
    std::fprintf(stderr, "esimctl-vcard: %s\n", euicc.status().message().c_str());
    return ExitCodeFor(euicc.status());
  }
  EuiccCard card(std::move(euicc).value());

  InstallStopHandler();
  link.exit_after = exit_after;
  link.verbose = verbose;
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
  if (verbose) {
    std::fprintf(stderr, "esimctl-vcard: done after %llu APDUs (%llu answers dropped)\n",
                 static_cast<unsigned long long>(vpcd->apdus()),
                 static_cast<unsigned long long>(vpcd->drops()));
  }
  return 0;
}
