// ReaderDirectory: the PC/SC readers on this machine, what they hold, and who is using them.
//
// For `esimctl readers` and `--reader all`: one PC/SC context, reader states from one
// SCardGetStatusChange over all readers, and, for a reader holding a card nobody holds
// exclusively, the card's identity read without disturbing anyone: a SHARED connection, the
// ISD-R selected on a logical channel (MANAGE CHANNEL open/close around SELECT + GetEID), and
// SCARD_LEAVE_CARD on disconnect (no reset). A reader held exclusively is never connected to.
//
// Threading: not thread-safe; use one directory from one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "src/session/card_session.h"

namespace esim {

class PcscContext;

// What the card in one reader turned out to be, on our own shared connection.
struct CardIdentity {
  bool checked = false;  // we connected and asked
  bool busy = false;     // another program took the reader exclusively meanwhile
  std::string eid;       // empty: not an eUICC, or its EID could not be read
  std::string protocol;  // "T=0" / "T=1" as negotiated on our connection; empty: not connected
  bool extended_length = false;  // the reader's SupportsExtendedLength on our connection
};

// One reader as pcscd reports it, plus what its card turned out to be.
struct ReaderEntry {
  std::string name;
  bool card_present = false;  // a card is in the reader (it may still be mute)
  bool mute = false;          // present but does not answer to reset
  bool in_use = false;        // another program holds a connection to it (shared or exclusive)
  bool exclusive = false;     // ... and holds it exclusively
  Bytes atr;                  // empty when no card
  CardIdentity card;          // left unchecked when the card was not worth asking
};

class ReaderDirectory {
 public:
  // Connects to pcscd (honours PCSCLITE_CSOCK_NAME). kNoService when pcscd is not running.
  static Result<std::unique_ptr<ReaderDirectory>> Open();
  ~ReaderDirectory();
  ReaderDirectory(const ReaderDirectory&) = delete;
  ReaderDirectory& operator=(const ReaderDirectory&) = delete;

  // Every reader in pcscd's order (the order of indexes); each card that is present, answers to
  // reset and is not held exclusively is identified (Identify). An empty list (not an error)
  // when there is no reader.
  Result<std::vector<ReaderEntry>> ListWithCards(const SessionOptions& options);
  // Every reader's name in pcscd's order, from reader states only (no card is connected to:
  // shell completion asks on each Tab press).
  Result<std::vector<std::string>> Names();
  // Names of the readers holding a card that answers to reset, for `--reader all`, from reader
  // states only (no card is connected to). kNoCard when there is none.
  Result<std::vector<std::string>> ReadersHoldingACard();

  // Reads the identity of the card in `reader_name` through a session opened with `options`
  // (reader ignored, shared forced). Never fails: whatever goes wrong leaves the EID unknown.
  CardIdentity Identify(const std::string& reader_name, const SessionOptions& options);

 private:
  // Lets Open() use make_unique while nobody else can build a directory without a context.
  struct Key {
    explicit Key() = default;
  };

 public:
  ReaderDirectory(Key, std::unique_ptr<PcscContext> pcsc);

 private:
  std::unique_ptr<PcscContext> pcsc_;
};

}  // namespace esim
