// What the test SM-DP+ checks about an eUICC: its certificate chain (CERT.EUICC ← CERT.EUM ←
// CI, with SGP.22's EID-prefix reading of the EUM's name constraint), its EID (the eUICC
// certificate's subject serialNumber, as SGP.26's certificate carries it) and its r‖s
// signatures; plus the strict base64 every ES9+ binary field must be. Free functions; thread-safe.
#pragma once

#include <openssl/x509.h>

#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace esim::smdp {

// Strict base64 (RFC 4648 §4): alphabet only, length a multiple of 4, '=' only as final
// padding, zero unused bits, so exactly one text encodes given bytes.
Result<Bytes> DecodeBase64Strict(const std::string& text);

// The subject serialNumber of `cert` ("" if absent): the EID of an eUICC certificate.
std::string SubjectSerialNumber(X509* cert);

// True if `rs` (64 bytes r‖s) is the signature of `tbs` by `cert`'s key; kInvalidInput
// naming `what` otherwise.
Status VerifyEuiccSignature(X509* cert, ByteView tbs, ByteView rs, const std::string& what);

// eUICC ← EUM ← CI through certs::VerifyChain (no clock; the EID within the EUM's permitted
// serialNumber prefix), the CERT.EUICC and CERT.EUM policies, and `eid` = the eUICC
// certificate's serialNumber. kInvalidInput with the reason otherwise.
Status VerifyEuiccChain(X509* euicc, X509* eum, X509* ci, const std::string& eid);

}  // namespace esim::smdp
