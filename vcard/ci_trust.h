// The virtual eUICC's checks of SM-DP+ certificates (CERT.DPauth, CERT.DPpb) against the CIs
// it trusts (the state's trustedCiCertificates), download-facts §4. OpenSSL does every
// signature check through common/certificate_checks.h; validity dates are not checked (an
// eUICC has no clock). Stateless; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/openssl_ptr.h"
#include "common/status.h"

namespace esim::vcard {

// The CI certificate among `files` whose SubjectKeyIdentifier is `ci_pkid`; kInvalidInput if none
// (AuthenticateServer error 7 ciPKUnknown), kIo/kInvalidInput for unreadable files.
Result<X509Ptr> FindTrustedCi(const std::vector<std::string>& files, ByteView ci_pkid);

// An SM-DP+ certificate checked: parses as DER, carries `policy`, chains directly to `ci`.
// kInvalidInput with the reason otherwise (error 1 invalidCertificate).
Result<X509Ptr> CheckSmdpCertificate(ByteView der, X509* ci, const char* policy);

// DER contents of an OBJECT IDENTIFIER from its dotted form ("2.999.10"); kInvalidInput if malformed.
Result<Bytes> OidContents(const std::string& dotted);

}  // namespace esim::vcard
