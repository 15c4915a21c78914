// CI trust: which GSMA CI root certificates a TLS connection to an SM-DP+ or SM-DS trusts for
// one card, on top of the system store and --ca-file (docs/safety.md, "Whom a TLS connection
// trusts").
//
// Production SM-DP+s present TLS certificates issued under a GSMA CI, which no operating system
// store holds. esimctl ships the public CI roots (data/ci/{live,test}/SKI.pem, installed to
// share/esimctl/ci) and trusts: RSP2 Root CI1 always, each live CI the card lists in EUICCInfo1
// (euiccCiPKIdListForVerification), and a test CI the card lists only with --trust-test-ci.
// The selection and the explanation of a refusal are pure functions (unit tested); the
// directory is read only when a TLS client first needs it.
//
// Threading: free functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/openssl_ptr.h"
#include "common/status.h"

namespace esim {

// GSM Association - RSP2 Root CI1: trusted for every card.
inline constexpr std::string_view kRsp2RootCi1Ski = "81370f5125d0b1d408d4c3b232e6d25e795bebfb";

enum class CiKind { kLive, kTest };

// One shipped CI: its SKI (40 lower-case hex digits, the file name) and kind (its folder).
struct CiEntry {
  std::string ski;
  CiKind kind = CiKind::kLive;
  std::string name;  // the certificate's subject CN, for messages ("" until read)
};

// What a card says about CIs: its euiccCiPKIdListForVerification as lower-case hex, or nothing
// known (the list was not read).
struct CardCiList {
  bool known = false;
  std::vector<std::string> skis;
};

// The SKIs of `available` a client trusts for a card with `card` (in `available`'s order):
// RSP2 Root CI1, the live CIs the card lists, and with `trust_test` the test CIs it lists.
std::vector<std::string> SelectTrustedCis(const std::vector<CiEntry>& available, const CardCiList& card,
                                          bool trust_test);

// Why a server certificate whose chain ends at a certificate issued by the key `issuer_ski`
// (its AuthorityKeyIdentifier, lower-case hex, "" if absent) and named `issuer_name` is not
// trusted, in one sentence for people, e.g. "it is issued under the test CI 'GSMA Test CI'
// (f541...); test CIs are trusted only with --trust-test-ci".
std::string ExplainUntrustedIssuer(const std::vector<CiEntry>& available, const CardCiList& card, bool trust_test,
                                   const std::string& issuer_ski, const std::string& issuer_name);

// A key identifier as the files are named: lower-case hex.
std::string SkiHex(ByteView key_id);

// The card's list from EUICCInfo1 (BF20 DER); kMalformedResponse if it does not decode.
Result<CardCiList> CardCiListFromEuiccInfo1(ByteView euicc_info1);

// The directory of the shipped CIs: $ESIMCTL_CI_DIR if set, else ci/ in esimctl's data
// directory (common/data_directory.h: $ESIMCTL_DATA_DIR, <exe dir>/../share/esimctl, or the
// build tree's copy); kIo naming the places looked at otherwise.
Result<std::string> CiDirectory();

// The CIs in `dir` (live/ and test/ files named SKI.pem; other files are ignored), with names.
std::vector<CiEntry> ListCis(const std::string& dir);

// The certificates of the CI `entry` in `dir` (one file may hold several certificates of the
// same key); kIo / kInvalidInput when unreadable or when one's SKI is not its file name.
Result<std::vector<X509Ptr>> LoadCi(const std::string& dir, const CiEntry& entry);

}  // namespace esim
