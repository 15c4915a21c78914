// CardSession: everything needed to talk ES10 to one card, set up once.
//
// Opens the reader named by the user (PC/SC, virtual:FILE, replay:FILE, or a modem's AT port:
// at:DEVICE, at:auto), wraps it with the trace and -v decorators, builds the APDU transport and
// the STORE DATA channel (basic channel when the reader is held exclusively, a logical channel
// when shared or over a modem), selects the ISD-R, and hands out an
// Es10Client. Nothing is repeated per command: one session, one connection,
// one channel. Closing the channel happens in the destructor.
//
// APDU length: the session decides once, at Open, whether the transport may send
// extended-length APDUs (SessionOptions::apdu_length: auto asks the reader, which says yes
// only for T=1 with the extended Lc/Le capability in the ATR). With extended length in force
// the default STORE DATA block is 65535 bytes, so an ES10 request is one APDU and most
// answers come whole; a card that refuses that with 6700 makes the transport fall back to
// short APDUs for the rest of the session (apdu/apdu_transport.h). Not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "apdu/apdu_transport.h"
#include "apdu/store_data_channel.h"
#include "common/bytes.h"
#include "common/status.h"
#include "readers/reader.h"
#include "src/es10/es10_client.h"
#include "src/es10/isdr_locator.h"

namespace esim {

// --apdu-length: whether extended-length APDUs are used.
enum class ApduLength {
  kAuto,      // when the reader says the reader and card support them (default)
  kShort,     // never
  kExtended,  // always, even if the ATR does not announce them (for cards that do not say)
};

struct SessionOptions {
  std::string reader;                 // --reader; empty = the only reader holding a card
  std::optional<Bytes> aid;           // --aid: the ISD-R AID; default: the known AID list
  std::string trace_path;             // --trace FILE; empty = none
  std::ostream* apdu_log = nullptr;   // -v: APDU log (stderr), null = none
  bool shared = false;                // --shared: share the reader, work on a logical channel
  // --block-size: STORE DATA data bytes per block. Default: 65535 while extended length is
  // in force (a whole request in one block), else 255. A value over 255 applies only while
  // extended length is in force; short APDUs cut it to 255.
  std::optional<size_t> block_size;
  ApduLength apdu_length = ApduLength::kAuto;  // --apdu-length
  // Over a modem's AT port (at:DEVICE, at:auto) only; other readers ignore them.
  uint32_t baud = 115200;                 // --baud: the port's speed (a pty or USB CDC ignores it)
  std::optional<uint32_t> at_timeout_ms;  // --at-timeout: one APDU command's limit; default 30 s
};

class CardSession {
 public:
  // Opens the reader, the channel and selects the ISD-R. Errors carry the
  // reader/card failure (kNoService, kNoReader, kNoCard, kNotEuicc, ...).
  static Result<std::unique_ptr<CardSession>> Open(const SessionOptions& options);
  // As Open, on a reader the caller already opened (options.reader is ignored).
  static Result<std::unique_ptr<CardSession>> OnReader(std::unique_ptr<Reader> reader,
                                                       const SessionOptions& options);
  ~CardSession();
  CardSession(const CardSession&) = delete;
  CardSession& operator=(const CardSession&) = delete;

  // The ES10 client for this card.
  Es10Client& es10() { return *client_; }
  // The reader's name as the user would pass it to --reader.
  std::string reader_name() const { return reader_->Name(); }
  // The status word that ended the last ES10 command (9000, 91xx, or 0 if no answer came).
  uint16_t last_status_word() const { return channel_ ? channel_->last_status_word() : 0; }
  // After the card dropped an answer (it refreshed, or went away and came back): reconnects
  // the reader, reopens the channel and reselects the ISD-R found before, waiting up to
  // `timeout_ms` for the card to answer again.
  Status Reestablish(uint32_t timeout_ms);
  // APDU exchanges so far (commands sent to the reader, GET RESPONSE included).
  uint64_t exchanges() const { return transport_->exchanges(); }
  // True while ES10 requests go out as extended-length APDUs (chosen at Open, not refused).
  bool extended_length_in_use() const { return transport_->extended_length_in_use(); }
  // True once the card refused an extended-length APDU (6700) and the session switched to
  // short APDUs.
  bool fell_back_to_short() const { return transport_->fell_back_to_short(); }

 private:
  // Lets Open() use make_unique while nobody else can build an unopened session.
  struct Key {
    explicit Key() = default;
  };

 public:
  explicit CardSession(Key) {}

 private:

  // Opens the channel and selects the ISD-R among `candidates`.
  Status OpenChannel(std::vector<Bytes> candidates);

  apdu::StoreDataOptions channel_options_;
  std::unique_ptr<Reader> reader_;
  std::unique_ptr<apdu::ApduTransport> transport_;
  std::unique_ptr<apdu::StoreDataChannel> channel_;
  std::unique_ptr<IsdrLocator> locator_;
  std::unique_ptr<Es10Client> client_;
};

// Opens the bare reader named by `spec` (see SessionOptions::reader): a PC/SC reader (shared
// when options.shared), "virtual:FILE", "replay:FILE", "at:DEVICE" (a modem's AT port, with
// options.baud and options.at_timeout_ms) or "at:auto" (the only modem with an eUICC behind it,
// src/session/modem_directory.h; kReaderNotFound listing what was found otherwise).
Result<std::unique_ptr<Reader>> OpenReader(const std::string& spec, const SessionOptions& options);

// True when `spec` names a modem's AT port ("at:DEVICE" or "at:auto").
bool IsModemSpec(std::string_view spec);

// Masks `secret` (a matching ID) in every --trace and -v line written from now on, by every
// session of this process, including those already open (readers/trace_mask.h).
void MaskInTraces(std::string_view secret);

}  // namespace esim
