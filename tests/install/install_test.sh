#!/usr/bin/env bash
# Installing esimctl like any Debian tool (issue 15), without touching the system: everything is
# installed or unpacked into this test's temp directory.
#   1. `make install`'s step (cmake --install with DESTDIR and a PREFIX): the layout, nothing
#      else, no key and nothing of ../shared but the public CI certificates; the installed tree
#      names its own data directory in --version, also after being moved; ESIMCTL_DATA_DIR.
#   2. `make deb`'s step (CPack): control fields (Depends on the sonames esimctl opens), only
#      /usr, stripped programs, lintian without errors; unpacked with dpkg-deb -x into a temp
#      root: --version names the data directory inside it, `profile list` works through the
#      pcscd rig, and a TLS refusal names the shipped test CI, read from that root's
#      share/esimctl/ci (and no longer once that directory is moved away).
#   3. The man page names every subcommand and every option of every --help, renders without
#      warnings, and has the exit codes, files, environment and examples.
#   4. bash completion (driven non-interactively) offers exactly each command's subcommands, its
#      options and the global ones, the --reader forms and pcscd's reader names, quietly and
#      quickly without pcscd; zsh's parses and offers the same subcommands.
# The command tree is read from the packaged esimctl's own --help here, not from the generator's
# table, so a page or completion that drifted from the program fails.
. "$(dirname "$0")/../e2e/lib.sh"
exec </dev/null
VERSION=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD/CMakeCache.txt")
for f in "$ESIMCTL" "$BUILD/esimctl-vcard" "$BUILD/packaging/esimctl.1.gz" "$BUILD/packaging/esimctl.bash" \
         "$BUILD/packaging/_esimctl"; do
  [ -e "$f" ] || { echo "FAIL: $f is not built (make build builds everything)" >&2; exit 1; }
done
files_under() { (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort); }

# ---- 1. make install (DESTDIR + PREFIX, as the Makefile passes them) ----
DEST=$WORK/destdir
DESTDIR=$DEST cmake --install "$BUILD" --prefix /opt/esim >"$WORK/install.log"
P=opt/esim
{
  printf '%s\n' "$P/bin/esimctl" "$P/bin/esimctl-vcard" "$P/share/bash-completion/completions/esimctl" \
    "$P/share/esimctl/default-state.json" "$P/share/man/man1/esimctl.1.gz" "$P/share/man/man1/esimctl-vcard.1.gz" \
    "$P/share/zsh/vendor-completions/_esimctl"
  for doc in README.md changelog.gz cli.md copyright exit-codes.md quirks.md safety.md troubleshooting.md; do
    echo "$P/share/doc/esimctl/$doc"
  done
  files_under "$SRC/data/ci" | sed "s|^|$P/share/esimctl/ci/|"
} | sort >"$WORK/expected-files"
expect_eq "make install: exactly the expected files" "$(cat "$WORK/expected-files")" "$(files_under "$DEST")"
expect_eq "installed esimctl is executable" yes "$([ -x "$DEST/$P/bin/esimctl" ] && echo yes)"
run_capture version "$DEST/$P/bin/esimctl" --version
expect_eq "installed --version: version and data directory" \
  "esimctl $VERSION"$'\n'"data directory: $DEST/$P/share/esimctl" "$OUT"
# Relocatable: the same tree moved elsewhere finds its data in its new place.
mv "$DEST/opt/esim" "$WORK/moved"
run_capture moved "$WORK/moved/bin/esimctl" --version
expect_contains "moved tree: data directory follows" "data directory: $WORK/moved/share/esimctl" "$OUT"
mkdir "$WORK/datadir"
run_capture override env ESIMCTL_DATA_DIR="$WORK/datadir" "$WORK/moved/bin/esimctl" --version
expect_contains "ESIMCTL_DATA_DIR overrides" "data directory: $WORK/datadir" "$OUT"
run_capture override_bad env ESIMCTL_DATA_DIR="$WORK/nonexistent" "$WORK/moved/bin/esimctl" --version
expect_contains "ESIMCTL_DATA_DIR that is no directory is reported" \
  "data directory: none (ESIMCTL_DATA_DIR '$WORK/nonexistent' is not a directory)" "$OUT"
# No key of any kind, and no file of ../shared except the public CI certificates (shared/ci).
expect_eq "no private key installed" "" "$(grep -rl 'PRIVATE KEY' "$WORK/moved" || true)"
if [ -d "$SRC/../shared" ]; then
  (cd "$SRC/../shared" && find . -type f ! -path './ci/*' -exec sha256sum {} + | cut -d' ' -f1 | sort -u) >"$WORK/shared.sums"
  (cd "$WORK/moved" && find . -type f -exec sha256sum {} + | cut -d' ' -f1 | sort -u) >"$WORK/installed.sums"
  expect_eq "no file of ../shared (but the public CIs) installed" "" "$(comm -12 "$WORK/shared.sums" "$WORK/installed.sums")"
fi

# ---- 2. make deb (CPack on this build tree, package into the temp dir) ----
cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$WORK/pkg" >"$WORK/cpack.log" 2>&1 || {
  cat "$WORK/cpack.log" >&2; fail "cpack failed"; finish; }
DEB=$(echo "$WORK"/pkg/esimctl_*.deb)
expect_eq "package file name" "esimctl_${VERSION}_$(dpkg --print-architecture).deb" "$(basename "$DEB")"
field() { dpkg-deb -f "$DEB" "$1"; }
expect_eq "Package" esimctl "$(field Package)"
expect_eq "Version" "$VERSION" "$(field Version)"
expect_eq "Section" utils "$(field Section)"
expect_contains "Maintainer has an address" "@" "$(field Maintainer)"
DEPENDS=", $(field Depends),"
# The linked library (dpkg-shlibdeps) and the ones opened on first use (listed by hand).
for dep in libc6 libpcsclite1 libcurl4 libsqlite3-0 libssl3; do
  expect_contains "Depends on $dep" ", $dep" "$DEPENDS"
done
for rec in pcscd libzbar0 libpng16-16 libjpeg62-turbo; do
  expect_contains "Recommends $rec" "$rec" "$(field Recommends)"
done
expect_eq "every path under /usr" "" "$(dpkg-deb -c "$DEB" | awk '{print $6}' | grep -v '^\./usr/' | grep -v '^\./$' || true)"
ROOT=$WORK/root
dpkg-deb -x "$DEB" "$ROOT"
for bin in esimctl esimctl-vcard; do
  expect_eq "$bin is stripped" 0 "$(readelf -S "$ROOT/usr/bin/$bin" | grep -c '\.debug_info\|\.symtab' || true)"
done
lintian --tag-display-limit 0 "$DEB" >"$WORK/lintian.out" 2>&1 || true
echo "lintian: $(grep -c '^E:' "$WORK/lintian.out" || true) errors, $(grep -c '^W:' "$WORK/lintian.out" || true) warnings"
sed 's/^/    /' "$WORK/lintian.out"
expect_eq "lintian: no errors" "" "$(grep '^E:' "$WORK/lintian.out" || true)"

run_capture deb_version "$ROOT/usr/bin/esimctl" --version
expect_eq "unpacked --version names its own data directory" \
  "esimctl $VERSION"$'\n'"data directory: $ROOT/usr/share/esimctl" "$OUT"
run_capture deb_list rig -- "$ROOT/usr/bin/esimctl" profile list
expect_eq "unpacked esimctl: profile list through pcscd" 0 "$RC"
for iccid in 8999010010000001018 8999020020000002021 8999030030000003034; do
  expect_contains "profile list shows $iccid" "$iccid" "$OUT"
done

# The CI data: a TLS server whose certificate is issued by a key with the SKI of the shipped
# "GSMA Test CI" (f54172bd..., which the demo card lists). esimctl refuses it (exit 58) and, when
# it has read the shipped CIs, names that CI and --trust-test-ci; without them it knows no CI.
F541=f54172bdf98a95d65cbeb88a38a1c11d800a85c3
HOST=testsmdpplus1.example.com
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/ca.key" -out "$WORK/ca.pem" \
  -subj "/CN=Stand-in CI" -days 30 -addext "subjectKeyIdentifier=$F541" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$WORK/tls.key" -out "$WORK/tls.csr" \
  -subj "/CN=$HOST" 2>/dev/null
printf 'subjectAltName=DNS:%s\nauthorityKeyIdentifier=keyid\n' "$HOST" >"$WORK/tls.ext"
openssl x509 -req -in "$WORK/tls.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" -CAcreateserial -days 30 \
  -extfile "$WORK/tls.ext" -out "$WORK/tls.pem" 2>/dev/null
# s_server stops at the end of its stdin: give it a FIFO held open by a sleep that is killed at
# the end (with its output away from ctest's pipe, which would otherwise wait for it).
mkfifo "$WORK/s_server.in"
sleep 300 >"$WORK/s_server.in" 2>/dev/null </dev/null &
HOLDER_PID=$!
openssl s_server -accept 0 -cert "$WORK/tls.pem" -key "$WORK/tls.key" <"$WORK/s_server.in" >"$WORK/s_server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" "$HOLDER_PID" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do grep -q '^ACCEPT' "$WORK/s_server.log" && break; sleep 0.1; done
PORT=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$WORK/s_server.log")
cp "$DEFAULT_STATE" "$WORK/card.json"
download() {
  run_capture "$1" "$ROOT/usr/bin/esimctl" --reader "virtual:$WORK/card.json" --journal "$WORK/$1.db" \
    --connect-to "$HOST:443:127.0.0.1:$PORT" --notify-timeout 10 profile download --yes "LPA:1\$$HOST\$TEST-1"
}
download tls_shipped
expect_eq "TLS under a test CI: refused (58)" 58 "$RC"
expect_contains "the refusal names the shipped test CI (read from the unpacked root)" "'GSMA Test CI'" "$ERR"
expect_contains "... and --trust-test-ci" "--trust-test-ci" "$ERR"
mv "$ROOT/usr/share/esimctl/ci" "$WORK/ci-aside"
download tls_no_ci
expect_eq "without the root's ci/: still refused (58)" 58 "$RC"
expect_not_contains "without the root's ci/: no CI named" "GSMA Test CI" "$ERR"
mv "$WORK/ci-aside" "$ROOT/usr/share/esimctl/ci"

# ---- The command tree, from the packaged esimctl's --help ----
E=$ROOT/usr/bin/esimctl
help_subs() { "$E" "$@" --help | awk '/^[A-Za-z][A-Za-z ]*:$/ { s = $0; next } s == "Subcommands:" && /^  [^ ]/ { print $1 }'; }
help_opts() {
  "$E" "$@" --help | awk '/^[A-Za-z][A-Za-z ]*:$/ { s = $0; next }
    s != "Subcommands:" && /^  -/ { n = split($1, names, ","); for (i = 1; i <= n; i++) print names[i] }'
}
PATHS=("")
for ((i = 0; i < ${#PATHS[@]}; i++)); do
  # shellcheck disable=SC2086
  for sub in $(help_subs ${PATHS[i]}); do PATHS+=("${PATHS[i]:+${PATHS[i]} }$sub"); done
done
echo "command paths from --help: ${#PATHS[@]}"
expect_eq "the walk found the subcommands" yes "$([ "${#PATHS[@]}" -gt 20 ] && echo yes)"

# ---- 3. the man page ----
PAGE=$ROOT/usr/share/man/man1/esimctl.1.gz
expect_eq "man renders without warnings" "" "$(MANWIDTH=100 man --warnings -l "$PAGE" 2>&1 >/dev/null)"
# The roff source as plain text: no hyphen escapes, no font changes.
zcat "$PAGE" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\[&,/]//g' >"$WORK/page.txt"
missing=""
for path in "${PATHS[@]}"; do
  [ -n "$path" ] && { grep -q "^\.SS \"esimctl $path \[" "$WORK/page.txt" || missing+=" [esimctl $path]"; }
  # shellcheck disable=SC2086
  for opt in $(help_opts $path); do grep -qF -- "$opt" "$WORK/page.txt" || missing+=" $path:$opt"; done
done
expect_eq "man page: every command has its section, every option is named" "" "$missing"
for section in '^\.SH "EXIT STATUS"' '^\.SH FILES' '^\.SH ENVIRONMENT' '^\.SH EXAMPLES' '^\.SH COMMANDS'; do
  expect_eq "man page section $section" 1 "$(grep -c "$section" "$WORK/page.txt")"
done
for word in 'server_not_trusted' 'pcscd_not_running' 'journal.db' 'PCSCLITE_CSOCK_NAME' 'XDG_STATE_HOME' \
            'ESIMCTL_DATA_DIR' 'ESIMCTL_CI_DIR' 'share/esimctl'; do
  expect_contains "man page mentions $word" "$word" "$(cat "$WORK/page.txt")"
done
# Every exit code of docs/exit-codes.md is listed.
codes_md=$(sed -n 's/^| *\([0-9]*\) | `\([a-z_]*\)`.*/\1 (\2)/p' "$SRC/docs/exit-codes.md")
codes_page=$(grep -A1 '^\.TP' "$WORK/page.txt" | sed -n 's/^\([0-9][0-9]*\) (\([a-z_]*\))$/\1 (\2)/p')
expect_eq "man page: the exit codes of docs/exit-codes.md" "$codes_md" "$codes_page"

# ---- 4. bash completion ----
BASHC=$ROOT/usr/share/bash-completion/completions/esimctl
# complete_words WORDS...: what _esimctl offers for the last word (bash without bash-completion,
# non-interactive), one per line, sorted.
complete_words() {
  PATH=$ROOT/usr/bin:$PATH bash -c 'source "$1"; shift; COMP_WORDS=(esimctl "$@"); COMP_CWORD=$#; _esimctl
    printf "%s\n" "${COMPREPLY[@]}"' _ "$BASHC" "$@" | sort
}
expect_eq "complete -p" "complete -F _esimctl esimctl" "$(bash -c 'source "$1"; complete -p esimctl' _ "$BASHC")"
expect_eq "bash: 'pro' completes to profile" "profile" "$(complete_words pro)"
global=$(help_opts)
bad=""
for path in "${PATHS[@]}"; do
  # shellcheck disable=SC2086
  want_subs=$(help_subs $path | sort)
  # shellcheck disable=SC2086
  [ "$(complete_words $path "")" == "$want_subs" ] || bad+=" [$path: subcommands]"
  # shellcheck disable=SC2086
  want_opts=$( (help_opts $path; echo "$global") | sort -u)
  # shellcheck disable=SC2086
  [ "$(complete_words $path -)" == "$want_opts" ] || bad+=" [$path: options]"
done
expect_eq "bash: every command's subcommands and options, as --help lists them" "" "$bad"
expect_eq "bash: --apdu-length values" $'auto\nextended\nshort' "$(complete_words --apdu-length "")"
expect_eq "bash: a value option's value is not a subcommand" "list" "$(complete_words --trace t.log profile li)"
readers=$(PCSCLITE_CSOCK_NAME=$WORK/no-pcscd complete_words --reader "" 2>"$WORK/complete.err")
expect_eq "bash: --reader without pcscd: the forms" $'all\nat:\nat:auto\nreplay:\nvirtual:' "$readers"
expect_eq "bash: --reader without pcscd: nothing on stderr" "" "$(cat "$WORK/complete.err")"
start=$(date +%s%N)
PCSCLITE_CSOCK_NAME=$WORK/no-pcscd complete_words --reader "" >/dev/null
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "bash: --reader without pcscd: under 1 s" yes "$([ "$elapsed_ms" -lt 1000 ] && echo yes || echo "no: $elapsed_ms ms")"
run_capture complete_rig rig -- bash -c "PATH=$ROOT/usr/bin:\$PATH; source '$BASHC'; COMP_WORDS=(esimctl --reader ''); COMP_CWORD=2; _esimctl; printf '%s\n' \"\${COMPREPLY[@]}\""
expect_contains "bash: --reader lists pcscd's reader" 'Virtual\ PCD\ 00\ 00' "$OUT"
# A virtual: file: bash replaces only what follows the colon, so that part is what is offered.
# A card of its own: beside the source tree's card other tests create its .pki directory.
mkdir -p "$WORK/cards"
cp "$SRC/vcard/default-state.json" "$WORK/cards/default-state.json"
expect_eq "bash: --reader virtual:FILE completes the file" "$WORK/cards/default-state.json" \
  "$(complete_words --reader "virtual:$WORK/cards/default-st")"
# With bash-completion loaded, the words are split as bash splits them (at the colon).
line="esimctl --reader virtual:$WORK/cards/default-st"
expect_eq "bash + bash-completion: virtual:FILE" "$WORK/cards/default-state.json" "$(bash -c '
  source /usr/share/bash-completion/bash_completion; source "$1"
  COMP_LINE=$2; COMP_POINT=${#2}; COMP_WORDS=(esimctl --reader virtual : "${2##*:}"); COMP_CWORD=4
  _esimctl; printf "%s\n" "${COMPREPLY[@]}"' _ "$BASHC" "$line")"

# ---- zsh ----
ZSHC=$ROOT/usr/share/zsh/vendor-completions/_esimctl
expect_eq "zsh: _esimctl parses" "" "$(zsh -n "$ZSHC" 2>&1)"
expect_eq "zsh: #compdef line" "#compdef esimctl" "$(head -1 "$ZSHC")"
# compadd stubbed: print the words offered (the real one filters by PREFIX; empty here).
zsh_words() {
  zsh -fc 'compadd() { while [[ $1 == -* && $1 != -- ]]; do [[ $1 == -[SPa] ]] && shift; shift; done
                       [[ $1 == -- ]] && shift; print -l -- "$@"; }
           _files() { :; }
           words=(esimctl ${=1} ""); CURRENT=${#words}; PREFIX=$2; source "$3"' _ "$1" "$2" "$ZSHC" | sort
}
bad=""
for path in "${PATHS[@]}"; do
  # shellcheck disable=SC2086
  [ "$(zsh_words "$path" "")" == "$(help_subs $path | sort)" ] || bad+=" [$path]"
done
expect_eq "zsh: every command's subcommands" "" "$bad"
expect_eq "zsh: profile download options" "$( (help_opts profile download; echo "$global") | sort -u)" \
  "$(zsh_words "profile download" -)"
finish
