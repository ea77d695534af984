#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/bench/run.sh BUILD_DIR [--runs N] [--only a,b,c,d,e]
#
# Prints the benchmark table (Markdown). Never a pass/fail test.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:?usage: run.sh BUILD_DIR}"
shift
exec python3 "$here/bench.py" "$build" "$@"
