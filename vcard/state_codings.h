// Small codings shared by the state file and the ES10 handlers. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::vcard {

// EF.ICCID coding: nibble-swapped BCD padded with F to 10 bytes; 18-20 digits.
Result<Bytes> IccidToBcd(const std::string& digits);
// Inverse of IccidToBcd; stops at the first filler nibble.
std::string BcdToIccid(ByteView bcd);
// True if `eid` is 32 digits whose ISO 7064 MOD 97-10 check holds.
bool EidCheckValid(const std::string& eid);
std::string Base64Encode(ByteView data);
Result<Bytes> Base64Decode(std::string_view text);
// "2.2.1" <-> VersionType (3 bytes).
Result<Bytes> ParseVersion(const std::string& text);
std::string VersionText(ByteView version);
// "310410" / "23415" (MCC then MNC digits) <-> the 3-byte PLMN coding of TS 24.008.
Result<Bytes> MccMncToBytes(const std::string& digits);
std::string MccMncText(ByteView plmn);

}  // namespace esim::vcard
