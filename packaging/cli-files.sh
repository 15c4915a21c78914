#!/bin/bash
# Generates the man page and the shell completions from the built esimctl's own --help, so that
# they cannot drift from the program: run at build time (packaging/CMakeLists.txt), after every
# change to esimctl.
#
#   packaging/cli-files.sh ESIMCTL SOURCE_DIR OUT_DIR VERSION
#
# It walks the command tree through --help (`esimctl --help`, then `esimctl SUB --help` for every
# name under "Subcommands:", recursively), keeps each text in OUT_DIR/help/, and writes:
#   OUT_DIR/commands.tsv   one line per command: path, subcommands, options, options taking a
#                          value, choices (option=a,b,c;...), tab-separated (the tests read it)
#   OUT_DIR/esimctl.1      help2man's page of `esimctl --help`, with every subcommand's help
#                          (COMMANDS), the exit codes from docs/exit-codes.md (EXIT STATUS) and
#                          the hand-written FILES, ENVIRONMENT, EXAMPLES (packaging/esimctl.h2m)
#   OUT_DIR/esimctl.bash   bash completion (packaging/esimctl.bash.in + the command table)
#   OUT_DIR/_esimctl       zsh completion (packaging/_esimctl.zsh.in + the command table)
set -euo pipefail
ESIMCTL=$(realpath "$1")
SRC=$2
OUT=$3
VERSION=$4
PKG=$SRC/packaging
mkdir -p "$OUT/help"
# Nothing the help text depends on may come from the caller's environment (a data directory,
# a pcscd socket): the page must be the same on every machine.
unset ESIMCTL_DATA_DIR ESIMCTL_CI_DIR

# Through PATH, so that argv[0] is "esimctl" and the usage lines read as a user types them
# (not build/esimctl); help2man takes the program name from it too.
mkdir -p "$OUT/bin"
ln -sf "$ESIMCTL" "$OUT/bin/esimctl"
export PATH="$OUT/bin:$PATH"
run_help() { esimctl "$@" --help; }

# parse_help: the --help text on stdin -> one TSV line (without the path) on stdout.
parse_help() {
  awk '
    /^[A-Za-z][A-Za-z ]*:$/ { section = $0; next }
    /^$/ { next }
    section == "Subcommands:" && /^  [^ ]/ { split($0, f, " "); subs = subs (subs ? " " : "") f[1]; next }
    section != "Subcommands:" && section != "Positionals:" && /^  -/ {
      line = substr($0, 3)
      # The option field ends at the first run of two spaces (CLI11 pads it to a column).
      n = match(line, /  +/); field = n ? substr(line, 1, n - 1) : line
      split(field, parts, " "); names = parts[1]; spec = substr(field, length(names) + 2)
      k = split(names, nm, ",")
      for (i = 1; i <= k; i++) {
        opts = opts (opts ? " " : "") nm[i]
        if (spec != "") vals = vals (vals ? " " : "") nm[i]
        if (match(spec, /:\{[^}]*\}/)) {
          c = substr(spec, RSTART + 2, RLENGTH - 3)
          choices = choices (choices ? ";" : "") nm[i] "=" c
        }
      }
    }
    END { printf "%s\t%s\t%s\t%s\n", subs, opts, vals, choices }'
}

: >"$OUT/commands.tsv"
queue=("")
while ((${#queue[@]})); do
  path=${queue[0]}
  queue=("${queue[@]:1}")
  # shellcheck disable=SC2086  # the path is words: "profile download"
  run_help $path >"$OUT/help/${path:-esimctl}.txt"
  line=$(parse_help <"$OUT/help/${path:-esimctl}.txt")
  printf '%s\t%s\n' "$path" "$line" >>"$OUT/commands.tsv"
  subs=$(printf '%s' "$line" | cut -f1)
  for sub in $subs; do queue+=("${path:+$path }$sub"); done
done

# roff: escape backslashes and hyphens, protect a leading . or ', make `code` bold, drop Markdown
# emphasis and links; @B@ @I@ @R@ become font changes after escaping. The lines that are our own
# macros (.TP, .PP, .SS) pass through.
roff() {
  sed -e '/^\.\(TP\|PP\)$/b' \
      -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/" \
      -e 's/`\([^`]*\)`/\\fB\1\\fR/g' -e 's/\*\*\([^*]*\)\*\*/\1/g' \
      -e 's/\[\([^]]*\)\](\([^)]*\))/\1/g' \
      -e 's/@B@/\\fB/g' -e 's/@I@/\\fI/g' -e 's/@R@/\\fR/g'
}

# The include file: COMMANDS (every subcommand's --help), EXIT STATUS, then the hand-written part.
{
  echo "[COMMANDS]"
  echo "Global options (see OPTIONS) may also follow the command name. Each command's own help:"
  tail -n +2 "$OUT/commands.tsv" | cut -f1 | while read -r path; do
    txt=$OUT/help/$path.txt
    echo ".SS \"$(sed -n 's/^Usage: //p' "$txt" | roff | sed 's/"/\\(dq/g')\""
    # First line: the description; then positionals, options and subcommands as tagged
    # paragraphs under their section titles (CLI11 continues a description on an indented line).
    awk 'NR == 1 { print; next }
      /^Usage: / { next }
      /^[A-Za-z][A-Za-z ]*:$/ { print ".PP"; print "@I@" $0 "@R@"; next }
      /^$/ { next }
      /^      / { sub(/^ +/, ""); print; next }
      /^  [^ ]/ {
        line = substr($0, 3); n = match(line, /  +/)
        print ".TP"
        if (n) { print "@B@" substr(line, 1, n - 1) "@R@"; print substr(line, n + RLENGTH) }
        else print "@B@" line "@R@"
      }' "$txt" | roff
  done
  echo
  echo "[EXIT STATUS]"
  {
  echo "Every failure has its own exit code, stable across versions (with @B@--json@R@ also a"
  echo "stable @B@code@R@ string); /usr/share/doc/esimctl/exit-codes.md has the full table with what to do."
  # Rows of the table in docs/exit-codes.md: | exit | `code` | meaning | what to do |
  awk -F'|' '/^\| *[0-9]+ \|/ {
      gsub(/^ +| +$/, "", $2); gsub(/^ +| +$/, "", $3); gsub(/^ +| +$/, "", $4)
      gsub(/`/, "", $3)
      print ".TP"; print "@B@" $2 "@R@ (" $3 ")"; print $4 }' "$SRC/docs/exit-codes.md"
  } | roff
  echo
  # [SECTION] headings pass through roff unchanged; the text uses the same light markup.
  roff <"$PKG/esimctl.h2m"
} >"$OUT/esimctl.h2m"

help2man --no-info --no-discard-stderr --version-string="$VERSION" \
  --name="manage the eSIM profiles on an eUICC (eSIM) through a PC/SC reader" \
  --include="$OUT/esimctl.h2m" --output="$OUT/esimctl.1" \
  esimctl 2>"$OUT/help2man.err" || { cat "$OUT/help2man.err" >&2; exit 1; }

# The command table, as a shell function for both completions: _esimctl_spec PATH sets subs, opts,
# vals (options taking a value) and choices (option=a,b,c;...) for the command PATH ("": the top).
spec_function() {
  echo '_esimctl_spec() {'
  echo '  case "$1" in'
  # awk, not `read`: a tab is IFS white space, so `read` would merge empty fields.
  awk -F'\t' '{ printf "    '\''%s'\'') subs='\''%s'\'' opts='\''%s'\'' vals='\''%s'\'' choices='\''%s'\'' ;;\n", $1, $2, $3, $4, $5 }' \
    "$OUT/commands.tsv"
  echo "    *) subs='' opts='' vals='' choices='' ;;"
  echo '  esac'
  echo '}'
}
spec_function >"$OUT/spec.sh"
sed -e "/^@ESIMCTL_COMMAND_TABLE@\$/{r $OUT/spec.sh" -e 'd}' "$PKG/esimctl.bash.in" >"$OUT/esimctl.bash"
sed -e "/^@ESIMCTL_COMMAND_TABLE@\$/{r $OUT/spec.sh" -e 'd}' "$PKG/_esimctl.zsh.in" >"$OUT/_esimctl"
