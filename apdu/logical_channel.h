// Logical channels (ISO 7816-4 MANAGE CHANNEL) and the CLA byte for a channel.
//
// Working on a logical channel lets esimctl talk to the ISD-R while another program (a modem
// stack, another PC/SC client) keeps its own selection on the basic channel. Stateless
// functions over an ApduTransport; as thread-safe as the transport they are given.
#pragma once

#include <cstdint>

#include "apdu/apdu_transport.h"
#include "common/status.h"

namespace esim::apdu {

// Highest logical channel number ISO 7816-4 can address (further interindustry class).
inline constexpr uint8_t kMaxLogicalChannel = 19;

// Opens a logical channel (00 70 00 00 01) and returns its number, 1..19. 6881 gives
// kCardStatus "logical channels not supported"; an answer that is not one valid channel
// number gives kMalformedResponse.
Result<uint8_t> OpenLogicalChannel(ApduTransport& transport);

// Closes logical channel `channel` (00 70 80 ch 00). Non-success SW → kCardStatus.
Status CloseLogicalChannel(ApduTransport& transport, uint8_t channel);

// The CLA for a command of class `base_cla` (the channel-0 CLA: 0x00 interindustry or 0x80
// proprietary) sent on `channel` (0..19): channels 0-3 give base|ch (STORE DATA 80..83),
// channels 4-19 give the further-interindustry form 0x40|(ch-4) with the class bit kept
// (STORE DATA C0..CF, SELECT 40..4F). Secure-messaging bits are not used and come out 0.
uint8_t ClaForChannel(uint8_t base_cla, uint8_t channel);

// The logical channel number a CLA addresses (inverse of ClaForChannel).
uint8_t ChannelFromCla(uint8_t cla);

}  // namespace esim::apdu
