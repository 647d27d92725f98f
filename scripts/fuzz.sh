#!/usr/bin/env bash
# `make fuzz`: runs every cargo-fuzz target in fuzz/ for FUZZ_SECONDS (default 120) each and
# prints, per target, the executions, coverage and whether it crashed. Not part of `make test`.
#
# cargo-fuzz needs a nightly compiler (sanitizer flags). With a nightly toolchain installed it is
# used; without one, the stable compiler is run with RUSTC_BOOTSTRAP=1 (its nightly features
# unlocked), which works for these targets. Builds go to target/fuzz (no second target dir);
# corpora grow in fuzz/corpus/ and crashes land in fuzz/artifacts/ (both not in git), seeded
# from fuzz/seeds/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root/fuzz"

secs="${FUZZ_SECONDS:-120}"
toolchain=()
if cargo +nightly --version >/dev/null 2>&1; then
  toolchain=(+nightly)
else
  echo "fuzz: no nightly toolchain; using the stable compiler with RUSTC_BOOTSTRAP=1"
  export RUSTC_BOOTSTRAP=1
fi
target_dir="$root/target/fuzz"
logs="$target_dir/logs"
mkdir -p "$logs"

summary=()
status=0
for t in $(cargo "${toolchain[@]}" fuzz list); do
  mkdir -p "corpus/$t"
  echo "==> fuzz $t for ${secs}s"
  rc=0
  cargo "${toolchain[@]}" fuzz run --target-dir "$target_dir" "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$secs" -print_final_stats=1 >"$logs/$t.log" 2>&1 || rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$logs/$t.log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -oE '(#[0-9]+|DONE).*cov: [0-9]+ ft: [0-9]+' "$logs/$t.log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+')
  crashes=$(find "artifacts/$t" -type f 2>/dev/null | wc -l)
  verdict=ok
  if [ "$rc" -ne 0 ]; then verdict="FAILED (exit $rc, log $logs/$t.log)"; status=1; fi
  summary+=("$(printf '%-14s %10s executions  %-20s crashes: %s  %s' "$t" "${execs:-?}" "${cov:-cov: ?}" "$crashes" "$verdict")")
done
printf '\n==> fuzz summary (%ss per target)\n' "$secs"
printf '  %s\n' "${summary[@]}"
exit "$status"
