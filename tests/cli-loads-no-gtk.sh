#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The command-line verbs must not load GTK, neither linked nor opened later
# with dlopen(): run every verb and read the dynamic loader's own account of
# what it initialised (LD_DEBUG=libs). A run without a verb opens the window
# module and must show GTK, which proves the check can see it.
#
#   cli-loads-no-gtk.sh BINARY SOURCE_DIR
set -u

bin="$1"
src="$2"
fail=0

if [ ! -x "$bin" ]; then
  echo "not ok: $bin is missing or not executable"
  exit 1
fi

# Linked directly?
if ldd "$bin" | grep -E 'libgtk-4|libadwaita'; then
  echo "not ok: $bin links GTK or libadwaita"
  fail=1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# What the loader initialised during one run, as a list of files.
loaded() {
  out="$tmp/out"
  LD_DEBUG=libs "$@" >"$out" 2>&1
  status=$?
  grep -o 'calling init: [^ ]*' "$out" | sed 's/calling init: //' > "$tmp/libs"
  if [ ! -s "$tmp/libs" ]; then
    echo "not ok: LD_DEBUG=libs reported nothing for: $*"
    fail=1
  fi
  return $status
}

run_verb() {
  name="$1"; shift
  loaded "$bin" "$@"
  status=$?
  # 0/1 are results, 2 is bad usage: a crash or a missing file is neither.
  if [ $status -gt 1 ]; then
    echo "not ok: $name exited with $status"
    sed -n '1,5p' "$tmp/out" | grep -v '^ *[0-9]*:' || true
    fail=1
  fi
  if grep -E 'libgtk-4|libadwaita|mfd-ui\.so' "$tmp/libs"; then
    echo "not ok: $name loaded the above"
    fail=1
  else
    echo "ok: $name loaded $(wc -l < "$tmp/libs") libraries, none of them GTK"
  fi
}

run_verb "explain" explain 4.4.316 --lang ja
run_verb "explain --json" explain 4.7.320 --json
run_verb "explain-ndr" explain-ndr "$src/tests/data/ndr/eml-ja-iso2022jp.eml"
run_verb "explain-ndr --json" explain-ndr "$src/tests/data/ndr/ndr-body-4.4.7.txt" --json
# Port 9 on loopback: refused at once, a real run of every step up to TCP.
run_verb "check" check --smart-host 127.0.0.1 --port 9 --offline --timeout 2 --tls none
run_verb "check --json" check --smart-host 127.0.0.1 --port 9 --offline --timeout 2 --json

# The control: without a verb the window module (and with it GTK) loads.
# --help makes the application print its options and leave. An
# MFD_UI_MODULE from the environment must not redirect the binary.
MFD_UI_MODULE="$tmp/no-such-module.so" loaded "$bin" --help
status=$?
if [ $status -ne 0 ]; then
  echo "not ok: the window's --help exited with $status"
  sed -n '1,5p' "$tmp/out" | grep -v '^ *[0-9]*:' || true
  fail=1
fi
if grep -q 'libgtk-4' "$tmp/libs" && grep -q 'mfd-ui\.so' "$tmp/libs"; then
  echo "ok: without a verb the window module and GTK load (the check sees dlopen)"
else
  echo "not ok: without a verb GTK did not show up: the check cannot see it"
  fail=1
fi

exit $fail
