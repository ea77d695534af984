#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/run.sh BUILD_DIR [--runs N] [--only a,b,c,d,e,f]
#
# Prints the benchmark table (Markdown), then the verdicts against a real
# Postfix on loopback. Never a pass/fail test.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: run.sh BUILD_DIR}"
shift
status=0
python3 "$here/bench.py" "$build" "$@" || status=$?
# A real Postfix on loopback, every TLS setting (needs root; says why not).
echo
echo "# Postfix verification (tests/bench/postfix-verify.sh)"
"$here/postfix-verify.sh" "$build" || status=$?
exit $status
