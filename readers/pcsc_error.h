// PcscError: turns a pcsc-lite return code into an esimctl Status.
//
// Every SCard* call of the PC/SC backend funnels its failure through here so
// that each error gets one ErrorCode (docs/exit-codes.md) and a message that
// says what happened and what to do, rather than a bare 0x8010xxxx.
// Stateless; thread-safe.
#pragma once

#include <PCSC/winscard.h>

#include <string>
#include <string_view>

#include "common/status.h"

namespace esim {

// Whether the failing call happened before or after a card handle was obtained. The same
// code means different things: SCARD_W_REMOVED_CARD while connecting is "no card", after a
// successful connect it is "the card went away during the command".
enum class PcscStage {
  kSetup,      // establishing the context, listing readers, connecting
  kConnected,  // transmitting, reconnecting, status on a live card handle
};

// Maps `rv` (not SCARD_S_SUCCESS) to a Status whose message starts with `what`, e.g.
// "SCardTransmit: the card was removed during the command (SCARD_W_REMOVED_CARD)".
Status PcscError(LONG rv, std::string_view what, PcscStage stage = PcscStage::kSetup);

// The symbolic name of a pcsc-lite return code ("SCARD_E_NO_SERVICE"), or its hex value
// ("0x80100099") when unknown.
std::string PcscCodeName(LONG rv);

}  // namespace esim
