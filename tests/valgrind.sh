#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/valgrind.sh [BUILD_DIR] [meson test args…]
#
# Runs the engine tests under valgrind --leak-check=full and prints the leak
# totals per test. A definite leak or a memory error fails the test (exit 99).
# By hand, not in CI: the sanitizer run (./dev test --sanitize) covers CI.
# test-web is left out by default: under valgrind it waited for 14 minutes
# without using the CPU (its servers' timing, not a leak); name it to run it.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$here/_build}" && pwd)"
shift || true

export GSETTINGS_SCHEMA_DIR="$build/data"
export MFD_LOCALEDIR="$build/po"
# GLib 2.74's slice allocator hides leaks from valgrind.
export G_SLICE=always-malloc

supp=(--suppressions="$here/tests/valgrind.supp")
[ -f /usr/share/glib-2.0/valgrind/glib.supp ] && supp+=(--suppressions=/usr/share/glib-2.0/valgrind/glib.supp)

if [ $# -eq 0 ]; then
  mapfile -t tests < <(meson test -C "$build" --list 2>/dev/null | sed -n 's|^.*:engine / ||p' | grep -vx test-web)
  set -- "${tests[@]}"
fi

status=0
meson test -C "$build" --suite engine --timeout-multiplier 10 "$@" \
  --wrapper "valgrind --trace-children=yes --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 ${supp[*]}" || status=$?

log="$build/meson-logs/testlog-valgrind.json"
python3 - "$log" <<'PY'
import json, re, sys
print(f"{'test':56} {'definitely':>12} {'indirectly':>12} {'possibly':>12} {'errors':>7}")
for line in open(sys.argv[1]):
    r = json.loads(line)
    out = r.get("stdout", "") + r.get("stderr", "")
    def total(kind):
        return sum(int(m.replace(",", "")) for m in re.findall(kind + r" lost: ([\d,]+) bytes", out))
    errors = sum(int(m) for m in re.findall(r"ERROR SUMMARY: (\d+) errors", out))
    print(f"{r['name']:56} {total('definitely'):>12} {total('indirectly'):>12} {total('possibly'):>12} {errors:>7}")
PY
exit $status
