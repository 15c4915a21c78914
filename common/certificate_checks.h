// The certificate checks of SGP.22 common mutual authentication, shared by both ends of a
// download: the virtual eUICC checks CERT.DPauth and CERT.DPpb against a CI it trusts, the test
// SM-DP+ checks CERT.EUICC through CERT.EUM to its CI (../shared/docs/download-facts.md §4).
//
// Why not X509_verify_cert alone: an eUICC has no clock (validity dates are not checked, as on
// real cards), the chain is named by the CI's SubjectKeyIdentifier (euiccCiPKIdToBeUsed), and the
// role of each certificate is its GSMA certificate policy, which OpenSSL does not know. OpenSSL 3
// does every signature and path check; this file only picks the inputs and reads the extensions.
// Everything goes through Crypto() (common/crypto_library.h), so callers pay libcrypto's load
// only when they check a certificate.
//
// Threading: free functions, thread-safe.
#pragma once

#include <span>
#include <vector>
#include <string>

#include "common/bytes.h"
#include "common/openssl_ptr.h"
#include "common/status.h"

namespace esim::certs {

// GSMA certificate policies (SGP.22 §4.5.2.1) naming a certificate's role.
inline constexpr const char* kPolicyDpAuth = "2.23.146.1.2.1.4";  // CERT.DPauth
inline constexpr const char* kPolicyDpPb = "2.23.146.1.2.1.5";    // CERT.DPpb
inline constexpr const char* kPolicyDsAuth = "2.23.146.1.2.1.7";  // CERT.DSauth (id-rspRole-ds-auth: an SM-DS)
inline constexpr const char* kPolicyEum = "2.23.146.1.2.1.2";     // CERT.EUM
inline constexpr const char* kPolicyEuicc = "2.23.146.1.2.1.1";   // CERT.EUICC

// A certificate from its DER (exactly one, no trailing bytes); kInvalidInput otherwise.
Result<X509Ptr> ParseDer(ByteView der);
// Certificates from a file, PEM (one or more) or DER (one); kIo / kInvalidInput.
Result<std::vector<X509Ptr>> LoadFile(const std::string& path);
// The DER of `cert`.
Result<Bytes> ToDer(X509* cert);

// The SubjectKeyIdentifier extension's value (20 bytes for the GSMA CIs); kInvalidInput if absent.
Result<Bytes> SubjectKeyId(X509* cert);
// The AuthorityKeyIdentifier's keyIdentifier; kInvalidInput if absent.
Result<Bytes> AuthorityKeyId(X509* cert);
// True if `cert` carries the certificate policy `oid` (dotted text).
bool HasPolicy(X509* cert, const char* oid);
// The SM-DP+ OID: the registeredID in subjectAltName, dotted ("2.999.10"); kInvalidInput if absent.
Result<std::string> RegisteredIdOid(X509* cert);
// The public key of `cert` (P-256 for every certificate of the GSMA PKI).
Result<EvpPkeyPtr> PublicKey(X509* cert);

// True if `leaf` chains through `intermediates` (in any order, may be empty) to `root`, every
// signature verified by OpenSSL and validity dates ignored. kInvalidInput with the reason
// (e.g. "certificate signature failure") otherwise. A CA's directoryName name constraint is
// applied as SGP.22 reads it (the EUM's: the subject's serialNumber, the EID, starts with the
// permitted one), where X.509's matching would refuse every GSMA eUICC certificate.
Status VerifyChain(X509* leaf, std::span<X509* const> intermediates, X509* root);

}  // namespace esim::certs
