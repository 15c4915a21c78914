// The PC/SC backend: a Reader over pcsc-lite (pcscd), and the context that finds readers.
//
// PcscContext owns one SCARDCONTEXT. Establish it once per process and reuse it for listing,
// resolving and connecting: establishing a context is a round trip to pcscd and there is no
// reason to repeat it. PcscReader is one card handle on one reader; every error from pcscd is
// turned into a Status by PcscError (readers/pcsc_error.h), so callers see kNoService,
// kNoReader, kReaderNotFound, kNoCard, kCardRemoved, kReaderBusy or kReaderError with a message
// that says what to do.
//
// Threading: neither class is thread-safe; use both from one thread. A PcscReader made by
// Connect() borrows its PcscContext, which must outlive it; one made by Open() owns its own.
#pragma once

#include <PCSC/winscard.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "readers/reader.h"

namespace esim {

// A snapshot of one reader, for `esimctl readers`.
struct PcscReaderStatus {
  std::string name;
  bool card_present = false;  // a card is in the reader (it may still be mute)
  bool mute = false;          // present but does not answer to reset
  bool in_use = false;        // another program holds a connection to it (shared or exclusive)
  bool exclusive = false;     // ... and holds it exclusively: connecting will fail with kReaderBusy
  Bytes atr;                  // empty when no card
};

class PcscContext {
 public:
  // Connects to pcscd (honours PCSCLITE_CSOCK_NAME). kNoService when pcscd is not running.
  static Result<std::unique_ptr<PcscContext>> Establish();
  ~PcscContext();
  PcscContext(const PcscContext&) = delete;
  PcscContext& operator=(const PcscContext&) = delete;

  // Names of all readers, in pcscd's order (the order of indexes). kNoReader when none.
  Result<std::vector<std::string>> ListReaders();
  // Picks one reader from a user's --reader spec:
  //   ""            the only reader, or else the only reader holding a card;
  //   "N" (digits)  the reader with 0-based index N;
  //   exact name    that reader;
  //   otherwise     the one reader whose name contains spec, case-insensitively.
  // kReaderNotFound (listing the readers) when none or several match; kNoCard when spec is
  // empty, there are several readers and none holds a card.
  Result<std::string> ResolveReader(const std::string& spec);
  // The state of one reader right now (no waiting).
  Result<PcscReaderStatus> QueryReader(const std::string& reader_name);
  // The state of every reader right now; an empty list (not an error) when there is none.
  Result<std::vector<PcscReaderStatus>> QueryAll();
  // Waits up to timeout_ms for a card to be present in the reader. Returns OK when present,
  // kNoCard when the time ran out. Used right after a card was inserted.
  Status WaitForCard(const std::string& reader_name, uint32_t timeout_ms);

  // The raw context, for the rare caller that needs an SCard* call not wrapped here.
  SCARDCONTEXT handle() const { return context_; }

 private:
  // The state of each of `names` right now (one exchange with pcscd); readers unplugged since
  // the names were listed are left out.
  Result<std::vector<PcscReaderStatus>> QueryStates(const std::vector<std::string>& names);

  // Lets Establish() use make_unique while nobody else can build an unchecked context.
  struct Key {
    explicit Key() = default;
  };

 public:
  PcscContext(Key, SCARDCONTEXT context) : context_(context) {}

 private:
  SCARDCONTEXT context_;
};

// Chooses the reader for `spec` among `readers` (see PcscContext::ResolveReader);
// `card_present[i]` tells whether readers[i] holds a card. Pure, for unit tests.
Result<std::string> ResolveReaderName(const std::string& spec,
                                      const std::vector<std::string>& readers,
                                      const std::vector<bool>& card_present);

class PcscReader : public Reader {
 public:
  enum class ShareMode {
    kExclusive,  // nobody else may talk to the card while we hold it (default for esimctl)
    kShared,     // others may use the card too; callers must then work on a logical channel
  };
  struct ConnectOptions {
    ShareMode share = ShareMode::kExclusive;
    // When pcscd says "no card", how long to wait for one to appear before giving up.
    // pcscd notices a new card only at its next poll of the reader (~400 ms for vpcd), so a
    // card inserted just before the command would otherwise be reported as missing. Only the
    // no-card path waits; a present card connects without delay.
    uint32_t card_wait_ms = 600;
  };

  // Connects to `reader_name` (an exact name; see PcscContext::ResolveReader) with T=0|T=1.
  // `context` must outlive the reader.
  static Result<std::unique_ptr<PcscReader>> Connect(PcscContext& context,
                                                     const std::string& reader_name,
                                                     ConnectOptions options);
  static Result<std::unique_ptr<PcscReader>> Connect(PcscContext& context,
                                                     const std::string& reader_name,
                                                     ShareMode share);
  // Establishes a private context, resolves `spec` and connects; the reader owns the context.
  static Result<std::unique_ptr<PcscReader>> Open(const std::string& spec, ShareMode share);

  // Leaves the card as it is (SCARD_LEAVE_CARD): no reset, so another program or the next
  // esimctl run finds the card powered.
  ~PcscReader() override;
  PcscReader(const PcscReader&) = delete;
  PcscReader& operator=(const PcscReader&) = delete;

  Result<Bytes> Transmit(ByteView command) override;
  // Read from pcscd on first use (two exchanges): a T=0 session without --trace never needs it.
  // Empty when pcscd cannot say (the card went away): the next Transmit reports that.
  Bytes Atr() const override;
  std::string Name() const override { return name_; }
  Status Reconnect(bool reset) override;
  // True when the negotiated protocol is T=1 and the ATR announces extended Lc/Le (only then is
  // the ATR read).
  bool SupportsExtendedLength() const override;

  // The active protocol: SCARD_PROTOCOL_T0 or SCARD_PROTOCOL_T1.
  DWORD protocol() const { return protocol_; }
  ShareMode share_mode() const { return share_; }

 private:
  // Reads the ATR from pcscd into atr_.
  Status ReadAtr() const;

  struct Key {
    explicit Key() = default;
  };

 public:
  // For Connect() only (Key is private); use Connect() or Open().
  PcscReader(Key, SCARDHANDLE card, DWORD protocol, std::string name, ShareMode share)
      : card_(card), protocol_(protocol), name_(std::move(name)), share_(share) {}

 private:
  static constexpr size_t kReceiveBufferSize = MAX_BUFFER_SIZE_EXTENDED;

  std::unique_ptr<PcscContext> owned_context_;  // set by Open() only
  SCARDHANDLE card_;
  DWORD protocol_;
  std::string name_;
  ShareMode share_;
  // The ATR once read (Atr(), SupportsExtendedLength()); forgotten by Reconnect. Reading it is
  // not a state change of the reader, hence mutable.
  mutable std::optional<Bytes> atr_;
  // Reused across Transmit calls: 64 KB + SW, allocated once and never cleared. Only the pages
  // an answer fills are ever touched (zeroing it cost 16 page faults per command).
  std::unique_ptr<uint8_t[]> receive_buffer_ = std::make_unique_for_overwrite<uint8_t[]>(kReceiveBufferSize);
};

}  // namespace esim
