// ModemCard: the card slot of the simulated modem. It holds the virtual eUICC in-process (the
// vcard library's reader) and the modem's table of logical-channel sessions, and turns the
// TS 27.007 channel commands into the APDUs a real modem sends to its card:
//   CCHO  = MANAGE CHANNEL open on the card, then SELECT by AID on that channel; a channel
//           beyond 3 (the modem's channels are 1-3) or a SELECT that fails closes it again;
//   CGLA  = the C-APDU with the session's channel written into its CLA;
//   CCHC  = MANAGE CHANNEL close;
//   CSIM  = the C-APDU unchanged.
// Session id = channel + session offset. The card persists its state file as the vcard does.
//
// Threading: not thread-safe; the modem's one thread owns it.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/status.h"
#include "readers/in_process_reader.h"

namespace esim::modemsim {

class ModemCard {
 public:
  static constexpr int kMaxChannel = 3;  // the modem's logical channels are 1..3

  // `card` is the in-process reader of the virtual eUICC; sids are channel + `session_offset`.
  ModemCard(std::unique_ptr<InProcessReader> card, int session_offset);

  // Opens channels 1..3 on the card (each with the ISD-R `aid` selected) and records a session
  // for each, as a crashed LPA leaves them. Fails if the card refuses.
  Status OpenStaleChannels(ByteView aid);
  // CCHO: a new session with `aid` selected; kNotEuicc when the card has no such AID,
  // kReaderBusy when no channel 1..3 is free, kReaderError when the card failed otherwise.
  Result<long> Open(ByteView aid);
  // True if `session` is open (CCHO'd, not yet CCHC'd, no reset since).
  bool HasSession(long session) const { return sessions_.count(session) != 0; }
  // CGLA: `apdu` on the session's channel (its CLA rewritten); kReaderNotFound for an unknown
  // session, kReaderError when the card gave no answer.
  Result<Bytes> Transmit(long session, ByteView apdu);
  // CCHC: closes the session's channel; kReaderNotFound for an unknown session.
  Status Close(long session);
  // CSIM: `apdu` unchanged; kReaderError when the card gave no answer.
  Result<Bytes> PassThrough(ByteView apdu);
  // The modem reset: every session is gone and the card's volatile state is lost.
  void Reset();

  // APDUs the card received (CCHO's and CCHC's own included).
  uint64_t card_apdus() const { return card_apdus_; }

  // The CLA of `cla` moved to logical channel `channel` (1..3): first-interindustry coding,
  // class bits (b8, b6..b3 for 0x/8x) kept, e.g. 80 -> 81, 00 -> 02, 41 -> 01.
  static uint8_t ClaForChannel(uint8_t cla, int channel);

 private:
  Result<Bytes> Send(ByteView apdu);
  void CloseChannel(int channel);

  std::unique_ptr<InProcessReader> card_;
  int session_offset_;
  std::map<long, int> sessions_;  // sid -> channel
  uint64_t card_apdus_ = 0;
};

}  // namespace esim::modemsim
