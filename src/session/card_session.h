// CardSession: everything needed to talk ES10 to one card, set up once.
//
// Opens the reader named by the user (PC/SC, virtual:FILE or replay:FILE),
// wraps it with the trace and -v decorators, builds the APDU transport and
// the STORE DATA channel (basic channel when the reader is held exclusively,
// a logical channel when shared), selects the ISD-R, and hands out an
// Es10Client. Nothing is repeated per command: one session, one connection,
// one channel. Closing the channel happens in the destructor. Not thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "apdu/apdu_transport.h"
#include "apdu/store_data_channel.h"
#include "common/bytes.h"
#include "common/status.h"
#include "readers/reader.h"
#include "src/es10/es10_client.h"
#include "src/es10/isdr_locator.h"

namespace esim {

struct SessionOptions {
  std::string reader;                 // --reader; empty = the only reader holding a card
  std::optional<Bytes> aid;           // --aid: the ISD-R AID; default: the known AID list
  std::string trace_path;             // --trace FILE; empty = none
  std::ostream* apdu_log = nullptr;   // -v: APDU log (stderr), null = none
  bool shared = false;                // --shared: share the reader, work on a logical channel
  size_t block_size = 255;            // STORE DATA block size
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

// Opens the bare reader named by `spec` (see SessionOptions::reader).
Result<std::unique_ptr<Reader>> OpenReader(const std::string& spec, bool shared);

}  // namespace esim
