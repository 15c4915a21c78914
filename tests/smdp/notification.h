// ES9+ handleNotification bodies: the checks a SM-DP+ makes on a PendingNotification.
//
// otherSignedNotification (30 { BF2F, 5F37, euiccCertificate, eumCertificate }) carries its own
// certificates, so it is verified here completely. A ProfileInstallationResult (BF37) is signed
// by the eUICC of a download session and carries no certificate: it is parsed here and verified
// by the ES9+ service against its session. Free functions; thread-safe.
#pragma once

#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::smdp {

// A parsed BF37 ProfileInstallationResult.
struct InstallResult {
  Bytes transaction_id;
  Bytes signed_data;  // the BF27 element exactly as received (what euiccSignPIR covers)
  Bytes signature;    // r‖s
  bool success = false;
  int bpp_command_id = -1;  // on error
  int error_reason = -1;    // on error
};

// What was learnt from a notification, even when a later check failed (for the log).
struct NotificationFacts {
  int64_t seq = -1;
  std::string eid;
  std::string chain;  // "verified" / "not checked: no --ci-cert"
  std::optional<InstallResult> install;  // set for a BF37
};

// Parses and checks a handleNotification body. For otherSignedNotification: the signature and
// (with `ci`) the chain. For BF37: only the structure (facts.install is set). Errors are
// reasons for a 400.
Status CheckNotification(const std::string& body, X509* ci, NotificationFacts& facts);

// Parses a DER ProfileInstallationResult (BF37 { BF27 {...}, 5F37 }).
Result<InstallResult> ParseInstallResult(ByteView der, int64_t* seq);

}  // namespace esim::smdp
