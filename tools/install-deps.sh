#!/bin/sh
# Installs the Debian 12 packages esimctl needs to build, test and run the demo.
# --qr (opened on first use, headers to build): libzbar0, libpng16-16 + libpng-dev, libjpeg62-turbo
# + libjpeg62-turbo-dev; tests make QR pictures with qrencode (PNG) and cjpeg (libjpeg-turbo-progs).
# Packaging (make install, make deb, tests/install): help2man makes the man pages from --help,
# dpkg-dev + fakeroot let CPack build the .deb (dpkg-shlibdeps), lintian checks it, bash-completion
# and zsh run the completions in tests/install/install_test.sh.
# bsdutils: script(1), the pseudo-terminal of tests/e2e/extras_test.sh (essential, listed to be sure).
# Installs only what is missing; runs apt-get update only when something is.
set -eu
PACKAGES="build-essential cmake pkg-config asn1c libpcsclite-dev pcscd vsmartcard-vpcd
libssl-dev openssl libcli11-dev nlohmann-json3-dev libgtest-dev libgmock-dev
jq libsqlite3-dev curl libcurl4-openssl-dev ca-certificates libbenchmark-dev
clang-14 libclang-rt-14-dev
bsdutils
libzbar0 libpng16-16 libjpeg62-turbo libpng-dev libjpeg62-turbo-dev qrencode libjpeg-turbo-progs
help2man dpkg-dev fakeroot lintian bash-completion zsh"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "install-deps: need root (or sudo) to install:$missing" >&2
  exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# --no-install-recommends: vsmartcard-vpcd would otherwise pull in a GUI stack.
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
