#!/bin/bash
# make-dsauth-cert.sh CI_CERT_PEM CI_KEY_PEM DIR [OID]
#
# Issues a test SM-DS authentication certificate (CERT.DSauth, SGP.22 certificate policy
# id-rspRole-ds-auth 2.23.146.1.2.1.7) and its key under the given CI, with the SGP.26-style file
# names test-smdp's --smds-pki-dir reads: DIR/CERT_S_SM_DSauth_ECDSA_NIST.{der,pem} and
# DIR/SK_S_SM_DSauth_ECDSA_NIST.pem. NIST P-256, ecdsa-with-SHA256, SubjectKeyIdentifier and
# AuthorityKeyIdentifier, subjectAltName registeredID = OID (default 2.999.20, a test SM-DS OID).
# Used by make-test-pki.sh, the SM-DS unit tests (with the SGP.26 CI, whose key is public) and
# tests/e2e/discover_test.sh. Test keys only: the private key is written unencrypted.
set -euo pipefail
if [ $# -lt 3 ] || [ $# -gt 4 ]; then
  echo "usage: $0 CI_CERT_PEM CI_KEY_PEM DIR [OID]" >&2
  exit 2
fi
CI_CERT=$1
CI_KEY=$2
DIR=$3
OID=${4:-2.999.20}
[[ $OID =~ ^[0-9]+(\.[0-9]+)+$ ]] || { echo "$0: OID must be dotted numbers" >&2; exit 2; }
mkdir -p "$DIR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cat >"$WORK/ext.cnf" <<CNF
[dsauth]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
keyUsage = critical, digitalSignature
certificatePolicies = critical, 2.23.146.1.2.1.7
subjectAltName = RID:$OID
CNF
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/SK_S_SM_DSauth_ECDSA_NIST.pem" 2>/dev/null
openssl req -new -key "$DIR/SK_S_SM_DSauth_ECDSA_NIST.pem" -subj "/O=ACME/CN=TEST SM-DS" -out "$WORK/ds.csr"
openssl x509 -req -in "$WORK/ds.csr" -CA "$CI_CERT" -CAkey "$CI_KEY" -set_serial "0x$(openssl rand -hex 8)" \
  -days 7300 -sha256 -extfile "$WORK/ext.cnf" -extensions dsauth -out "$DIR/CERT_S_SM_DSauth_ECDSA_NIST.pem" 2>/dev/null
openssl x509 -in "$DIR/CERT_S_SM_DSauth_ECDSA_NIST.pem" -outform DER -out "$DIR/CERT_S_SM_DSauth_ECDSA_NIST.der"
openssl verify -CAfile "$CI_CERT" "$DIR/CERT_S_SM_DSauth_ECDSA_NIST.pem" >/dev/null
