// VpcdLink: plugs a card into pcscd through the vsmartcard vpcd reader driver.
//
// vpcd listens on a TCP port; a "card" is whatever connects to it. Both directions carry
// frames of a 2-byte big-endian length N and N bytes. From vpcd, N = 1 is a control byte
// (00 power off, 01 power on, 02 reset: no answer; 04 get ATR: answer the ATR), N > 1 is a
// C-APDU, answered with one frame holding the R-APDU. Closing the connection is "card removed".
//
// Speed matters: the driver writes the length and the payload separately and without
// TCP_NODELAY, so a card that lets its delayed ACK run waits ~44 ms per APDU. The link
// re-arms TCP_QUICKACK after every recv and sends each answer in one write with TCP_NODELAY,
// which brings a round trip through pcscd down to ~0.1 ms (docs/pcsc-testbed.md).
//
// Threading: one VpcdLink is driven by one thread. Stop() may be called from another thread or a
// signal handler (it only writes to a pipe).
#pragma once

#include <csignal>
#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::vcard {

// What the link drives: the card's side of the vpcd protocol.
class VpcdCard {
 public:
  virtual ~VpcdCard() = default;
  // The ATR to announce (get-ATR control byte).
  virtual Bytes Atr() = 0;
  // Power on or warm reset: the card drops its volatile state.
  virtual void Reset() = 0;
  // Power off. Default: nothing (the next power on resets).
  virtual void PowerOff() {}
  // Answers one C-APDU with the R-APDU (data + SW1 SW2). An EMPTY answer means the card
  // gives no R-APDU at all (it resets, e.g. right after an enable that refreshes): the link
  // then drops the connection and comes back (see Options::drop_reconnect_ms).
  virtual Bytes Process(ByteView command) = 0;
};

class VpcdLink {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 35963;         // vpcd slot 0 (DEVICENAME /dev/null:0x8C7B)
    uint32_t connect_timeout_ms = 10000;  // keep retrying while pcscd is not listening yet
    uint64_t exit_after = 0;       // close after answering this many APDUs (0 = never)
    // Once: after answering this many APDUs the card leaves the reader (connection closed)
    // and comes back after drop_reconnect_ms (0 = it stays away), powered on afresh with the
    // same state: a card pulled between two commands and re-inserted. 0 = never.
    uint64_t remove_card_after = 0;
    bool verbose = false;          // log frames to stderr
    // After an empty answer from the card (no R-APDU): the connection is reset at once (TCP
    // RST), so the pending SCardTransmit returns at once instead of hanging (through
    // vsmartcard-vpcd 3.3 it "succeeds" with a 0-byte answer: see DropAndReconnect), and the
    // card reconnects after this many ms, long enough for pcscd's 400 ms presence poll to
    // see the card removed and then inserted again (a client's old handle then gets
    // SCARD_W_REMOVED_CARD; a new connection works). 0 = do not come back: Run() returns.
    uint32_t drop_reconnect_ms = 1000;
    // Connect() gives up (kIo) as soon as this becomes non-zero (set from a signal handler).
    const volatile std::sig_atomic_t* cancel = nullptr;
  };

  // Connects to vpcd, retrying until connect_timeout_ms has passed (pcscd may start later).
  // kIo when it never answered.
  static Result<std::unique_ptr<VpcdLink>> Connect(const Options& options);
  ~VpcdLink();
  VpcdLink(const VpcdLink&) = delete;
  VpcdLink& operator=(const VpcdLink&) = delete;

  // Serves `card` until vpcd closes the connection, Stop() is called, or exit_after APDUs were
  // answered; then closes the connection (the card is removed). OK in all those cases; kIo on a
  // socket error or a malformed frame. An empty answer from the card closes the connection
  // and reconnects after drop_reconnect_ms (kIo if vpcd cannot be reached again within
  // connect_timeout_ms).
  Status Run(VpcdCard& card);
  // Makes Run() return soon. Async-signal-safe.
  void Stop();
  // APDUs answered so far (a dropped answer does not count).
  uint64_t apdus() const { return apdus_; }
  // Answers dropped so far (each one a disconnect + reconnect).
  uint64_t drops() const { return drops_; }

 private:
  struct Key {
    explicit Key() = default;
  };

 public:
  VpcdLink(Key, int fd, int stop_read, int stop_write, Options options)
      : fd_(fd), stop_read_(stop_read), stop_write_(stop_write), options_(std::move(options)) {}

 private:
  // Reads exactly n bytes. Returns false on EOF or Stop(); error Status on a socket error.
  Result<bool> ReadFully(uint8_t* data, size_t n);
  Status Send(ByteView payload);
  // Closes the connection, waits drop_reconnect_ms (Stop() cuts it short: returns false), then
  // connects again. true when connected again.
  Result<bool> DropAndReconnect();

  int fd_;
  int stop_read_;
  int stop_write_;
  Options options_;
  uint64_t apdus_ = 0;
  uint64_t drops_ = 0;
};

}  // namespace esim::vcard
