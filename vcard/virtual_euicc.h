// VirtualEuicc: an in-process eUICC that answers ISO 7816 / ES10 APDUs from a JSON state file.
//
// It implements the ISD-R the way a real card does (facts sheet sections 1-4): SELECT by AID,
// MANAGE CHANNEL, STORE DATA chaining, GET RESPONSE / 61xx, and every ES10 message of
// asn1/messages.h against the profiles, notifications and addresses in the state file.
// It is an InProcessCard (readers/in_process_card.h): OpenVirtualReader (vcard/virtual_reader.h)
// puts it behind an in-process reader for --reader virtual:STATE.json, and esimctl-vcard plugs
// it into pcscd through vpcd. Not thread-safe: one caller at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "readers/in_process_card.h"
#include "vcard/download_knobs.h"

namespace esim::vcard {

class VirtualEuicc : public InProcessCard {
 public:
  // Behaviour knobs for tests; the defaults model a well-behaved card.
  struct Options {
    uint32_t latency_ms = 0;             // sleep per APDU, to model real cards (5-50 ms)
    // T=0 style: a command that carried data gets its answer only through 61xx + GET RESPONSE,
    // at most 256 bytes per answer even for an extended Le; a GET RESPONSE whose Le exceeds
    // what is left gets 6Cxx. Off: answers of up to Le bytes (65536 with an extended Le) at once.
    bool short_apdu_only = false;
    // The ATR offers T=1 (only) and announces extended Lc/Le in its card capabilities, so a
    // PC/SC stack negotiates T=1 and esimctl sends extended-length APDUs. Extended APDUs are
    // accepted whatever the ATR says; answers come at once up to Le unless short_apdu_only.
    bool extended_length = false;
    // A card that lies in its ATR: the ATR is the extended_length one, but every
    // extended-form C-APDU is answered 6700 (wrong length) without being executed.
    bool reject_extended = false;
    // The same lie for one ES10 function only: an extended STORE DATA whose request starts with
    // these tag bytes (BF32: DisableProfile) is answered 6700 without being executed; every
    // other extended APDU is accepted. Cards that take extended length for some commands only.
    std::optional<Bytes> reject_extended_for;
    std::optional<Bytes> isdr_aid;       // overrides the state file's ISD-R AID
    bool not_euicc = false;              // a plain smart card: every SELECT by AID gets 6A82
    bool persist = true;                 // write state changes back to the state file (atomically)
    // Where the generated test PKI (CI -> EUM -> eUICC, used when the state names no
    // credentials) is kept; default: "<state file without .json>.pki/" next to the state
    // file, or memory only if that cannot be created. With persist off that directory is
    // used only if it exists: nothing is created.
    std::optional<std::string> pki_dir;

    // One-shot faults: each fires once, then the card behaves normally again. The
    // esimctl-vcard program maps them to command line flags.
    //
    // The first successful EnableProfile is executed (state changed, notifications
    // queued, state saved) but its R-APDU is lost: Process() returns an EMPTY answer.
    // A transport must then deliver no R-APDU at all (vpcd: drop the connection, or
    // InProcessReader: kReaderError), as a card that refreshes right away.
    bool drop_response_after_enable = false;
    // The next complete ES10 command (last STORE DATA block) is answered 6A88 without
    // being executed.
    bool sw_6a88_once = false;
    // The Nth complete ES10 command of the session (1-based; 0 = never) is answered 6A88
    // without being executed: 6A88 in the middle of a multi-command operation.
    uint32_t sw_6a88_at = 0;

    // Real-card quirks (docs/quirks.md), each for the whole session unless it says once.
    // SELECT of the ISD-R always answers 61xx (the FCI waits for a GET RESPONSE), even when
    // the card otherwise answers at once.
    bool select_61xx = false;
    // Every complete ES10 command (last STORE DATA block) is answered 6100 without data and
    // without being executed, and every GET RESPONSE after it again 6100 without data, for
    // ever (a modem seen in the field): only a new command ends the loop.
    bool endless_61xx = false;
    // Once: the first time the card announces fewer than 240 remaining bytes (61xx), it
    // announces 16 too many; the GET RESPONSE asking for that many is answered 6Cxx with the
    // real length (wrong Le), and a GET RESPONSE with that Le gets the data.
    bool wrong_le_once = false;

    // Profile download (esimctl-vcard --download-fail, --bpp-segment-answer,
    // --bpp-segment-delay-ms). Refuse AuthenticateServer / PrepareDownload with that error code,
    // or the install (at InitialiseSecureChannel) with that BF37 errorReason, every time.
    std::optional<DownloadFail> download_fail;
    // Once: the K-th STORE DATA sequence of a BPP load (or the last one) is executed but
    // answered with that 6Fxx, or with no R-APDU at all (as drop_response_after_enable).
    std::optional<SegmentAnswer> bpp_segment_answer;
    uint32_t bpp_segment_delay_ms = 0;  // sleep before each STORE DATA sequence of a load
  };

  // Loads the state file; fails with kIo / kInvalidInput naming the file and the bad field.
  static Result<std::unique_ptr<VirtualEuicc>> Load(const std::string& state_path, Options options);

  ~VirtualEuicc() override = default;
  // The card's ATR: T=0 without extended length by default; T=1 with the extended Lc/Le
  // capability under Options::extended_length, reject_extended or reject_extended_for.
  Bytes Atr() const override = 0;
  // Power-on / reset: closes logical channels and forgets selections (volatile state).
  void Reset() override = 0;
  // Handles one C-APDU and returns the R-APDU (data followed by SW1 SW2). An empty
  // result means "no R-APDU" (only with Options::drop_response_after_enable).
  Bytes Process(ByteView command) override = 0;
};

}  // namespace esim::vcard
