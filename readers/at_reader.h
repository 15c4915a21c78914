// AtReader: a Reader over a cellular modem's AT command port (3GPP TS 27.007), for eUICCs that
// sit inside a USB or M.2 modem rather than behind a PC/SC reader.
//
// The upper layers keep talking ISO 7816-4: they open a logical channel (MANAGE CHANNEL),
// select the ISD-R on it and send STORE DATA. How that reaches the card depends on what the
// modem offers, chosen once at Open:
//   - CGLA (preferred): MANAGE CHANNEL open is answered by the reader itself with a channel
//     number of its own; the SELECT by AID that follows becomes AT+CCHO="<AID>" (the modem opens
//     and selects, and names a session id); every later command on that channel is sent as
//     AT+CGLA=<session>,<len>,"<hex>"; MANAGE CHANNEL close becomes AT+CCHC=<session>. The
//     SELECT's answer is a bare 9000 (CCHO returns no FCI; nothing above reads it).
//   - CSIM (fallback, when AT+CCHO=? or AT+CGLA=? is refused): every C-APDU goes unchanged in
//     AT+CSIM=<len>,"<hex>", so esimctl's own MANAGE CHANNEL and SELECT reach the card. A
//     command on the basic channel is refused (kReaderError): the modem's telephony stack owns
//     channel 0, so the session always works on a logical channel over a modem.
// The port is opened raw (termios), locked (flock LOCK_EX|LOCK_NB and TIOCEXCL: another
// program's AT commands cannot interleave with ours), checked with ATE0, which also turns echo
// off for the session (not restored: the next program sets what it needs).
// Unsolicited result lines (+CREG:, RING, ...) are skipped wherever they arrive; answers may
// come in pieces. Final results: OK, ERROR, +CME ERROR: <n>. A command the modem does not
// answer within the timeout gives kReaderError, and the reader drains the port before the next
// command so a late answer is never taken for the next one's.
//
// Line limit: a modem whose line buffer is shorter than a command refuses it with a plain ERROR
// before the card sees it. A plain ERROR to a line longer than any the modem accepted before is
// read that way: MaxCommandSize() shrinks below the refused command and the StoreDataChannel
// re-sends its chain in smaller blocks (apdu/store_data_channel.h).
//
// Sessions are closed (AT+CCHC) when their channel is closed, by the destructor, and on
// SIGINT/SIGTERM/SIGHUP: handlers installed once per process write "AT+CCHC=<sid>\r" for every
// open session straight to the port (async-signal-safe), then restore the previous disposition
// and re-raise. A SELECT refused by AT+CCHO answers 6A82 (the ISD-R locator tries the next
// AID); before that, once per reader, sessions 1..4 not ours are closed and CCHO is tried again
// (a crashed LPA may have left every channel open). Errors to AT+CGLA/AT+CSIM are kReaderError
// (the card may or may not have executed the command); a port that hangs up is kCardRemoved.
// The serial line itself is readers/at_port.h.
//
// Threading: not thread-safe; one reader, one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "readers/reader.h"

namespace esim {

struct AtReaderOptions {
  uint32_t baud = 115200;               // --baud; a pty or a USB CDC port ignores it
  uint32_t command_timeout_ms = 30000;  // per APDU command: a BPP segment can take seconds
  uint32_t probe_timeout_ms = 2000;     // ATE0 (AT), =? tests, CCHC
  bool allow_cgla = true;               // false: CSIM only (tests, and --at-mode csim)
};

class AtReader : public Reader {
 public:
  // Opens `device` (e.g. /dev/ttyUSB2), locks it, checks ATE0 (echo off), picks CGLA or CSIM.
  // kReaderNotFound: no such device; kReaderBusy: another program holds it; kReaderError:
  // not a modem answering AT, or neither CGLA nor CSIM is offered.
  static Result<std::unique_ptr<AtReader>> Open(const std::string& device, AtReaderOptions options = {});
  ~AtReader() override;  // closes every CCHO session it opened (AT+CCHC), then the port

  Result<Bytes> Transmit(ByteView command) override;
  // Modems do not report the card's ATR: an empty one.
  Bytes Atr() const override;
  // "at:" + device.
  std::string Name() const override;
  // Closes and reopens the port (a modem that reset re-appears under the same path), redoes the
  // checks; channels opened before are gone. `reset` is ignored: no AT command resets only the
  // card without detaching the modem from the network.
  Status Reconnect(bool reset) override;
  // Unlimited until the modem refuses a line for its length; then the largest C-APDU whose
  // line should fit (the APDU of the longest accepted line, or half the refused one, whichever
  // is larger; never below 22 bytes, a SELECT by a 16-byte AID).
  size_t MaxCommandSize() const override;
  // False: CGLA exists only for logical channels, and channel 0 is the modem's own.
  bool BasicChannelUsable() const override { return false; }

  // "cgla" or "csim": the carrier chosen at Open.
  std::string Mode() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;

 public:
  explicit AtReader(std::unique_ptr<Impl> impl);
};

}  // namespace esim
