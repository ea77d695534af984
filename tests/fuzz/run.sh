#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET…]
#
# Runs every libFuzzer target (or the TARGETs named) built in BUILD_DIR/tests/fuzz for SECONDS each,
# seeded from the test corpora under tests/data/, and prints executions and
# coverage (cov = edges, ft = features) per target. The growing corpus and
# any crash/timeout/OOM artifact stay in BUILD_DIR/fuzz/, never in the source
# tree: a finding becomes a regression case in tests/data by hand.
# A target whose coverage (cov, edges of the instrumented engine) stays below
# the minimum given in tests/meson.build has stopped reaching the code it is
# for: that fails too. The last line is "N passed, N failed" over targets,
# the same plain line as ./dev test (CI reads it).
# Exit status: 0 when every target ran clean, 1 otherwise.
set -uo pipefail

build="$(cd "${1:?usage: run.sh BUILD_DIR SECONDS}" && pwd)"
seconds="${2:-60}"
shift 2 || shift $#
wanted=" $* "
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
data="$here/../data"
targets="$build/tests/fuzz/targets.txt"
work="$build/fuzz"

if [ ! -f "$targets" ]; then
  echo "no fuzz targets in $build (configure with CC=clang -Dfuzzing=true)" >&2
  exit 2
fi

# GLib's criticals are bugs we want to see as crashes, not log lines.
# fuzz-glib.c turns warnings and criticals into aborts libFuzzer records.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:detect_odr_violation=0"
export LSAN_OPTIONS="suppressions=$here/../lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

results=()
status=0
passed=0
failed=0
while read -r name max_len seeds min_cov; do
  [ -n "$name" ] || continue
  [ "$wanted" = "  " ] || [[ "$wanted" == *" $name "* ]] || continue
  corpus="$work/corpus/$name"
  artifacts="$work/artifacts/$name"
  log="$work/$name.log"
  mkdir -p "$corpus" "$artifacts"

  seed_dirs=()
  IFS=',' read -r -a seed_list <<< "$seeds"
  for s in "${seed_list[@]}"; do
    [ -d "$data/$s" ] && seed_dirs+=("$data/$s")
  done
  dict=()
  [ -f "$here/$name.dict" ] && dict=("-dict=$here/$name.dict")

  echo "== $name: ${seconds}s, -max_len=$max_len, seeds: ${seed_dirs[*]:-none}"
  "$build/tests/fuzz/$name" \
    -max_total_time="$seconds" -max_len="$max_len" -timeout=5 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
    "$corpus" "${seed_dirs[@]}" >"$log" 2>&1
  rc=$?

  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  last="$(grep -E '^#[0-9]+' "$log" | tail -n 1)"
  cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<< "$last")"
  ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<< "$last")"
  files="$(find "$corpus" -type f | wc -l)"
  if [ $rc -eq 0 ] && [ -n "${min_cov:-}" ] && [ "${cov:-0}" -lt "$min_cov" ]; then
    verdict="FAILED (reached ${cov:-0} edges, fewer than $min_cov: the target no longer reaches its code)"
    status=1
  elif [ $rc -eq 0 ]; then
    verdict=clean
  else
    verdict="FAILED (exit $rc; see $log and $artifacts)"
    status=1
    grep -E 'ERROR: |SUMMARY: |Test unit written' "$log" | head -n 5 | sed 's/^/   /'
  fi
  if [ "$verdict" = clean ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  results+=("$(printf '%-28s %12s %8s %8s %8s  %s' "$name" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$files" "$verdict")")
done < "$targets"

echo
printf '%-28s %12s %8s %8s %8s  %s\n' target executions cov ft corpus result
for r in "${results[@]}"; do
  echo "$r"
done
echo "$passed passed, $failed failed, 0 skipped"
exit $status
