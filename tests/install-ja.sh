#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The Flatpak keeps the catalogues with the app ("separate-locales": false):
# the report reads the ja catalogue from the app's own prefix, whatever
# languages the system or the user set up. This installs the build into a
# temporary directory (meson install --destdir, only the runtime and i18n
# parts), checks that the prefix holds the Japanese catalogue and nothing
# else of ours, then runs the installed binary with that directory mounted
# over the prefix, as /app is in the sandbox (a user + mount namespace,
# unshare -r --mount, no root needed): `explain 4.4.316 --lang ja` must come
# out in Japanese with no MFD_LOCALEDIR, no LANGUAGE and only C.UTF-8.
# As a control, the same run without the catalogue must come out in English.
#
#   install-ja.sh BUILD_DIR
set -u

build="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

prefix=$(meson introspect "$build" --buildoptions |
         python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"][0])')
localedir=$(meson introspect "$build" --buildoptions |
            python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"] == "localedir"][0])')
case "$localedir" in /*) ;; *) localedir="$prefix/$localedir";; esac
echo "prefix $prefix, catalogues in $localedir"

if ! unshare -r --mount true 2>/dev/null; then
  # Inside a build sandbox (flatpak-builder's run-tests) no nested namespace
  # can be made: say so, and let meson count it as skipped (77).
  echo "SKIP: cannot make a user + mount namespace here (unshare -r --mount); this test needs one"
  exit 77
fi
if [ ! -d "$prefix" ]; then
  echo "not ok: the prefix $prefix does not exist to mount over"
  exit 1
fi

meson install -C "$build" --no-rebuild --quiet --destdir "$tmp/dest" --tags runtime,i18n >"$tmp/install.log" 2>&1 || {
  cat "$tmp/install.log"; echo "not ok: meson install failed"; exit 1; }

bin="$prefix/bin/mail-flow-doctor"
mo="$localedir/ja/LC_MESSAGES/mail-flow-doctor.mo"
[ -x "$tmp/dest$bin" ] || { echo "not ok: $bin was not installed"; exit 1; }
[ -f "$tmp/dest$mo" ] || { echo "not ok: $mo was not installed"; exit 1; }
others=$(find "$tmp/dest$localedir" -name 'mail-flow-doctor.mo' ! -path '*/ja/*')
[ -z "$others" ] || { echo "not ok: catalogues other than ja: $others"; exit 1; }
echo "ok: installed $bin and only the ja catalogue"

run() {
  unshare -r --mount sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh \
    "$tmp/dest$prefix" "$prefix" \
    env -u MFD_LOCALEDIR -u LANGUAGE -u LC_ALL -u LC_MESSAGES LANG=C.UTF-8 "$bin" "$@"
}

fail=0
run explain 4.4.316 --lang ja >"$tmp/ja.txt" 2>&1
# The title and a sentence of the explanation as ja.po has them.
if grep -q '接続が拒否されました' "$tmp/ja.txt" && ! grep -q 'Connection refused' "$tmp/ja.txt"; then
  echo "ok: explain 4.4.316 --lang ja is Japanese: $(head -n 1 "$tmp/ja.txt")"
else
  echo "not ok: explain 4.4.316 --lang ja is not Japanese:"
  head -n 5 "$tmp/ja.txt"
  fail=1
fi

# Control: without the catalogue the same command falls back to English,
# so the check above can fail.
rm "$tmp/dest$mo"
run explain 4.4.316 --lang ja >"$tmp/none.txt" 2>&1
if grep -q 'Connection refused' "$tmp/none.txt"; then
  echo "ok: without the catalogue the report falls back to English"
else
  echo "not ok: without the catalogue the output was:"
  head -n 3 "$tmp/none.txt"
  fail=1
fi
exit $fail
