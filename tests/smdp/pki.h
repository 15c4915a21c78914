// The test SM-DP+'s own credentials, read from --pki-dir with the SGP.26 file names:
// CERT.DPauth + key (signs serverSigned1), CERT.DPpb + key (signs smdpSigned2 and the BPP's
// InitialiseSecureChannel) and the CI that issued them and the eUICCs it accepts.
// Immutable after Load; thread-safe to read.
#pragma once

#include <string>

#include "common/bytes.h"
#include "common/openssl_ptr.h"
#include "common/status.h"

namespace esim::smdp {

struct ServerPki {
  X509Ptr dpauth, dppb, ci;
  EvpPkeyPtr dpauth_key, dppb_key;
  Bytes dpauth_der, dppb_der;
  Bytes ci_key_id;   // the CI's SubjectKeyIdentifier: euiccCiPKIdToBeUsed
  std::string oid;   // the SM-DP+ OID (DPauth's subjectAltName registeredID), dotted

  // The SM-DS role (--smds-events): CERT.DSauth and its key (signs ES11's serverSigned1); empty
  // until LoadSmds.
  X509Ptr dsauth;
  EvpPkeyPtr dsauth_key;
  Bytes dsauth_der;

  // Reads DIR/CERT_S_SM_DPauth_ECDSA_NIST.der, SK_S_SM_DPauth_ECDSA_NIST.pem,
  // CERT_S_SM_DPpb_ECDSA_NIST.der, SK_S_SM_DPpb_ECDSA_NIST.pem and CERT_CI_ECDSA_NIST.der
  // (or .pem); checks that each key matches its certificate and both chain to the CI.
  static Result<ServerPki> Load(const std::string& dir);
  // Reads DIR/CERT_S_SM_DSauth_ECDSA_NIST.der and SK_S_SM_DSauth_ECDSA_NIST.pem
  // (make-dsauth-cert.sh); checks the key, the policy id-rspRole-ds-auth and the chain to `ci`.
  Status LoadSmds(const std::string& dir);
};

// A PEM private key from `path`.
Result<EvpPkeyPtr> LoadPrivateKey(const std::string& path);

}  // namespace esim::smdp
