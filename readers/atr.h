// What an answer to reset (ATR, ISO 7816-3 section 8) tells esimctl about a card.
//
// Only the few facts the session needs to decide between short and extended-length APDUs:
// which transmission protocols the interface bytes offer, and whether the historical bytes'
// card capabilities announce extended Lc/Le (ISO 7816-4 section 12.1.1.9). Pure functions over
// bytes, shared by the PC/SC reader, the in-process virtual reader and the trace replay;
// thread-safe. A malformed or truncated ATR offers nothing (every function returns false).
#pragma once

#include "common/bytes.h"

namespace esim {

// True if one of the ATR's TDi bytes indicates T=1. (An ATR without TD1 offers only T=0.)
bool AtrOffersT1(ByteView atr);

// True if the ATR's historical bytes announce extended Lc/Le (card capabilities: compact-TLV
// tag 7, third software function byte, bit 7 = 0x40). Category 00 and 80 historical bytes.
bool AtrAnnouncesExtendedLength(ByteView atr);

// True if the ATR offers T=1 AND announces extended Lc/Le: what a card must say before
// esimctl sends it extended-length APDUs on its own (over T=0 they would need ENVELOPE,
// which esimctl does not do).
bool AtrOffersExtendedLength(ByteView atr);

// True if the ATR is complete and its check byte TCK is right: present (and XOR of T0..TCK
// equal to 0) when a protocol other than T=0 is indicated, absent otherwise.
bool AtrChecksumValid(ByteView atr);

}  // namespace esim
