#!/usr/bin/env bash
# `make demo`: a private pcscd with the virtual eUICC behind vpcd, then the two commands a new
# user runs first. Nothing on the machine is touched: pcscd gets a private socket and port, and
# the card works on a copy of vcard/default-state.json, so the demo runs any number of
# times with the same result.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
ESIMCTL_BUILD_DIR=$(cd "$BUILD" && pwd)
export ESIMCTL_BUILD_DIR
exec tests/pcsc-rig.sh --state vcard/default-state.json -- bash -c '
  set -e
  echo "\$ esimctl chip info"
  "$ESIMCTL_BUILD_DIR/esimctl" chip info
  echo
  echo "\$ esimctl profile list"
  "$ESIMCTL_BUILD_DIR/esimctl" profile list
'
