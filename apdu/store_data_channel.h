// StoreDataChannel: the ISD-R on one channel, reached through ES10 STORE DATA commands.
//
// Owns the channel it works on (the basic channel 0, or a logical channel it opened and
// closes again: RAII), selects an application by AID, and delivers an ES10 request of any
// length as a chain of STORE DATA blocks (P1 11 = more blocks, 91 = last block; P2 = block
// number from 0; Le 00 always sent because some modems drop the answer without it). The
// complete answer of the last block is returned; GET RESPONSE and 6Cxx are handled by the
// ApduTransport below. Which AID is really the ISD-R is decided one layer up (the ES10
// client confirms it with an ES10 answer); Select only reports 6A82 as kNotEuicc so the
// caller can try the next AID.
//
// Extended length: while the transport sends extended APDUs, every block carries Le 65536
// (0000) and blocks may be up to 65535 bytes, so a request is usually one block. If the card
// refuses the FIRST block with 6700 (the transport then falls back to short APDUs for good),
// nothing was executed and the whole chain is planned again in short form and sent from
// block 0; a refusal of a later block is an error, never silently re-sent.
//
// Reader limit: blocks are also cut so that a whole command fits the reader's
// MaxCommandSize (a modem's AT line limit: data <= max - 6 in short form, max - 9 extended).
// A modem refuses a line over its limit before the card sees it and the reader lowers its
// MaxCommandSize (readers/at_reader.h); when the FIRST block fails with kReaderError and the
// reader's limit has meanwhile dropped below that block's size, nothing was executed and the
// request is re-planned in smaller blocks and sent from block 0 (once). A later block failing
// that way is an error, as above.
//
// Not thread-safe: one user at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "apdu/apdu_transport.h"
#include "common/bytes.h"
#include "common/status.h"

namespace esim::apdu {

// Channel knobs. Declared outside StoreDataChannel so it can be a default argument.
struct StoreDataOptions {
  // Data bytes per STORE DATA block: 1..255 short (lpac uses 120, OpenEUICC 63), up to
  // 65535 when the transport allows extended length. While the transport sends short APDUs
  // (after a fallback) a larger block size is cut to 255.
  size_t block_size = 255;
  // Open a logical channel for the ISD-R instead of using the basic channel.
  bool logical_channel = false;
};

class StoreDataChannel {
 public:
  using Options = StoreDataOptions;

  // Prepares a channel on `transport` (which must outlive it): opens a logical channel when
  // options.logical_channel, else uses the basic channel. kInvalidInput for a bad block
  // size; MANAGE CHANNEL failures as OpenLogicalChannel reports them.
  static Result<std::unique_ptr<StoreDataChannel>> Open(ApduTransport& transport,
                                                        Options options = {});
  // Use Open(); the key keeps construction there (where the options are checked).
  class ConstructionKey {
    friend class StoreDataChannel;
    ConstructionKey() = default;
  };
  StoreDataChannel(ConstructionKey, ApduTransport& transport, Options options, uint8_t channel,
                   bool owns_channel);
  // Closes the logical channel, if any, ignoring failures (call Close() to see them).
  ~StoreDataChannel();
  StoreDataChannel(const StoreDataChannel&) = delete;
  StoreDataChannel& operator=(const StoreDataChannel&) = delete;

  // Selects the application `aid` (c A4 04 00 Lc AID 00). 9000 and 61xx are success; the
  // FCI announced by 61xx is NOT fetched, to save one exchange per command: nothing in
  // esimctl reads it, and a new command simply discards it (ISO 7816-4). 6A82 gives
  // kNotEuicc "no application with AID ..."; other SWs kCardStatus.
  Status Select(ByteView aid);
  // Sends one ES10 request as chained STORE DATA blocks and returns the answer data of the
  // last block. A non-success SW on any block gives kCardStatus naming the block and the
  // SW (e.g. 6A88 after the card ended an install), except 6700 to an extended-form first
  // block, which re-sends the request in short form, and a line-limit refusal of the first
  // block, which re-sends it in smaller blocks (see above). kInvalidInput for an empty
  // request or one needing more than 256 blocks.
  Result<Bytes> Send(ByteView es10_request);
  // The STORE DATA commands Send(es10_request) would transmit now (in extended or short
  // form, as the transport stands), in order; sends nothing (--dry-run shows them). Same
  // errors as Send for a bad request.
  Result<std::vector<CommandApdu>> Plan(ByteView es10_request) const;
  // Closes the logical channel opened by Open (no-op on the basic channel or when already
  // closed). The channel is unusable afterwards either way.
  Status Close();
  // Marks the channel closed without telling the card: its connection was reset or lost, so
  // the channel no longer exists there. Every later command fails with `why`.
  void Forget(Status why) {
    closed_ = true;
    lost_ = std::move(why);
  }

  // The AID selected by the last successful Select (empty before, or after a failed one).
  ByteView selected_aid() const { return selected_aid_; }
  // The status word that ended the last Send (9000, or 91xx when the card wants the
  // terminal to fetch a proactive command such as REFRESH); 0 when no answer came.
  uint16_t last_status_word() const { return last_status_word_; }
  // The channel number commands go to (0 = basic channel).
  uint8_t channel() const { return channel_; }
  // The options in force.
  const Options& options() const { return options_; }

 private:
  ApduTransport& transport_;
  Options options_;
  uint8_t channel_ = 0;
  bool owns_channel_ = false;  // true while a logical channel we opened is open
  bool closed_ = false;
  Status lost_;  // why the channel was forgotten (OK if it was closed normally)
  Bytes selected_aid_;
  uint16_t last_status_word_ = 0;
};

}  // namespace esim::apdu
