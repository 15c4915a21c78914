#!/bin/bash
# make-test-pki.sh DIR EID [ADDRESS] [OID]
#
# Makes a complete test PKI for a download with the OpenSSL command line, shaped like the GSMA
# SGP.26 test PKI and written with its file names, so test-smdp (--pki-dir DIR, --cert/--key
# for TLS) and the virtual eUICC can use it instead of ../shared/sgp26 (`make demo` does):
#   CERT_CI_ECDSA_NIST.{der,pem}  SK_CI_ECDSA_NIST.pem   CI, self-signed, policy 2.23.146.1.2.1.0
#   CERT_EUM_ECDSA_NIST.{der,pem} SK_EUM_ECDSA_NIST.pem  EUM, by the CI, policy .2, name
#                                 constraint: EIDs starting with the EID's first 8 digits
#   CERT_EUICC_ECDSA_NIST.{der,pem} SK_EUICC_ECDSA_NIST.pem  eUICC, by the EUM, policy .1,
#                                                        subject serialNumber = EID (as SGP.26)
#   CERT_S_SM_DPauth_ECDSA_NIST.{der,pem} SK_S_SM_DPauth_ECDSA_NIST.pem  by the CI, policy .4,
#                                                        subjectAltName registeredID = OID
#   CERT_S_SM_DPpb_ECDSA_NIST.{der,pem}   SK_S_SM_DPpb_ECDSA_NIST.pem    by the CI, policy .5, same OID
#   CERT_S_SM_DSauth_ECDSA_NIST.{der,pem} SK_S_SM_DSauth_ECDSA_NIST.pem  by the CI, policy .7
#                                        (id-rspRole-ds-auth: the test SM-DS), OID 2.999.20
#                                        (make-dsauth-cert.sh)
#   CERT_DP_TLS.{der,pem} SK_DP_TLS.pem  TLS server certificate for ADDRESS (and localhost,
#                                        127.0.0.1), by the CI, policy .3, serverAuth
# Every key is NIST P-256, every signature ecdsa-with-SHA256, every certificate carries a
# SubjectKeyIdentifier and (below the CI) an AuthorityKeyIdentifier. ADDRESS defaults to
# testsmdpplus1.example.com, OID to 2.999.10 (SGP.26's test SM-DP+ OID). Test keys only: the
# private keys are written unencrypted. Existing files in DIR are overwritten.
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 4 ]; then
  echo "usage: $0 DIR EID [ADDRESS] [OID]" >&2
  exit 2
fi
DIR=$1
EID=$2
ADDRESS=${3:-testsmdpplus1.example.com}
OID=${4:-2.999.10}
[[ $EID =~ ^[0-9]{32}$ ]] || { echo "$0: EID must be 32 digits" >&2; exit 2; }
[[ $ADDRESS =~ ^[A-Za-z0-9.-]+$ ]] || { echo "$0: ADDRESS must be a host name" >&2; exit 2; }
[[ $OID =~ ^[0-9]+(\.[0-9]+)+$ ]] || { echo "$0: OID must be dotted numbers" >&2; exit 2; }
command -v openssl >/dev/null || { echo "$0: openssl not found" >&2; exit 1; }
mkdir -p "$DIR"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DAYS=7300

cat >"$WORK/ext.cnf" <<CNF
[ci]
subjectKeyIdentifier = hash
basicConstraints = critical, CA:TRUE
certificatePolicies = critical, 2.23.146.1.2.1.0
keyUsage = critical, keyCertSign, cRLSign
subjectAltName = RID:2.999.1

[eum]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
basicConstraints = critical, CA:TRUE, pathlen:0
certificatePolicies = critical, 2.23.146.1.2.1.2
keyUsage = critical, keyCertSign, cRLSign
nameConstraints = critical, permitted;dirName:eum_nc

[eum_nc]
O = RSP Test EUM
serialNumber = ${EID:0:8}

[euicc]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
keyUsage = critical, digitalSignature
certificatePolicies = critical, 2.23.146.1.2.1.1

[dpauth]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
keyUsage = critical, digitalSignature
certificatePolicies = critical, 2.23.146.1.2.1.4
subjectAltName = RID:$OID

[dppb]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
keyUsage = critical, digitalSignature
certificatePolicies = critical, 2.23.146.1.2.1.5
subjectAltName = RID:$OID

[tls]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, serverAuth
certificatePolicies = 2.23.146.1.2.1.3
subjectAltName = DNS:$ADDRESS, DNS:localhost, IP:127.0.0.1
CNF

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$DIR/$1" 2>/dev/null; }
# issue NAME SUBJECT SECTION ISSUER_CERT ISSUER_KEY: CERT_NAME.{pem,der} signed by the issuer.
issue() {
  local name=$1 subject=$2 section=$3 issuer_cert=$4 issuer_key=$5
  openssl req -new -key "$DIR/SK_$name.pem" -subj "$subject" -out "$WORK/$name.csr"
  openssl x509 -req -in "$WORK/$name.csr" -CA "$DIR/$issuer_cert" -CAkey "$DIR/$issuer_key" \
    -set_serial "0x$(openssl rand -hex 8)" -days $DAYS -sha256 -extfile "$WORK/ext.cnf" -extensions "$section" \
    -out "$DIR/CERT_$name.pem" 2>/dev/null
  openssl x509 -in "$DIR/CERT_$name.pem" -outform DER -out "$DIR/CERT_$name.der"
}

key SK_CI_ECDSA_NIST.pem
openssl req -new -x509 -key "$DIR/SK_CI_ECDSA_NIST.pem" -subj "/CN=esimctl demo CI/OU=TESTCERT/O=RSPTEST/C=IT" \
  -days $DAYS -sha256 -config "$WORK/ext.cnf" -extensions ci -set_serial "0x$(openssl rand -hex 8)" \
  -out "$DIR/CERT_CI_ECDSA_NIST.pem"
openssl x509 -in "$DIR/CERT_CI_ECDSA_NIST.pem" -outform DER -out "$DIR/CERT_CI_ECDSA_NIST.der"

for k in EUM_ECDSA_NIST EUICC_ECDSA_NIST S_SM_DPauth_ECDSA_NIST S_SM_DPpb_ECDSA_NIST DP_TLS; do key "SK_$k.pem"; done
issue EUM_ECDSA_NIST "/C=ES/O=RSP Test EUM/CN=esimctl demo EUM" eum CERT_CI_ECDSA_NIST.pem SK_CI_ECDSA_NIST.pem
issue EUICC_ECDSA_NIST "/C=ES/O=RSP Test EUM/serialNumber=$EID/CN=Test eUICC" euicc CERT_EUM_ECDSA_NIST.pem SK_EUM_ECDSA_NIST.pem
issue S_SM_DPauth_ECDSA_NIST "/O=ACME/CN=TEST SM-DP+" dpauth CERT_CI_ECDSA_NIST.pem SK_CI_ECDSA_NIST.pem
issue S_SM_DPpb_ECDSA_NIST "/O=ACME/CN=TEST SM-DP+" dppb CERT_CI_ECDSA_NIST.pem SK_CI_ECDSA_NIST.pem
issue DP_TLS "/O=RSP Test DP/CN=$ADDRESS" tls CERT_CI_ECDSA_NIST.pem SK_CI_ECDSA_NIST.pem

bash "$(dirname "$0")/make-dsauth-cert.sh" "$DIR/CERT_CI_ECDSA_NIST.pem" "$DIR/SK_CI_ECDSA_NIST.pem" "$DIR"

# Every certificate must chain to the CI (the eUICC through the EUM).
CA=$DIR/CERT_CI_ECDSA_NIST.pem
for c in EUM_ECDSA_NIST S_SM_DPauth_ECDSA_NIST S_SM_DPpb_ECDSA_NIST S_SM_DSauth_ECDSA_NIST DP_TLS; do
  openssl verify -CAfile "$CA" "$DIR/CERT_$c.pem" >/dev/null
done
# X.509 name matching refuses SGP.22's EID-prefix constraint (as for SGP.26's own chain), so the
# eUICC is checked for its signature by the EUM only; test-smdp and the card check the prefix.
openssl verify -CAfile "$CA" -untrusted "$DIR/CERT_EUM_ECDSA_NIST.pem" "$DIR/CERT_EUICC_ECDSA_NIST.pem" >"$WORK/v" 2>&1 ||
  grep -q "permitted subtree violation" "$WORK/v" || { cat "$WORK/v" >&2; exit 1; }
echo "test PKI for EID $EID and $ADDRESS (SM-DP+ OID $OID) written to $DIR"
