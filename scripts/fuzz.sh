#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) into build-fuzz/ and
# runs each for SECONDS (default 30) from the seeds in tests/fuzz/corpus/.
# New inputs go to a scratch corpus, never into the repository. A failing
# run names its libFuzzer seed; CK_SEED=N runs every target with it again.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-30}
BUILD_DIR=build-fuzz CMAKE_ARGS="-DCMAKE_C_COMPILER=clang -DCK_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug" \
  bash scripts/setup.sh >/dev/null
work=$(mktemp -d /tmp/ck-fuzz-XXXXXX)
trap 'rm -rf "$work" /tmp/ck-fuzz-roster-* /tmp/ck-fuzz-config-* /tmp/ck-fuzz-verify-* /tmp/ck-fuzz-sheet-*' EXIT
status=0
seed=()
[ -n "${CK_SEED:-}" ] && seed=(-seed="$CK_SEED")
for bin in build-fuzz/fuzz_*; do
  name=${bin##*/fuzz_}
  mkdir -p "$work/$name"
  echo "fuzz: $name for ${SECONDS_EACH}s"
  if ! "$bin" "${seed[@]}" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$work/" "$work/$name" "tests/fuzz/corpus/$name" > "$work/$name.log" 2>&1; then
    echo "fuzz: $name FAILED ($(grep -m1 -o 'Seed: [0-9]*' "$work/$name.log"))"; tail -40 "$work/$name.log"; status=1
    cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* . 2>/dev/null || true
  else
    grep -E "stat::number_of_executed_units|Done [0-9]+ runs" "$work/$name.log" | tail -1
  fi
done
exit $status
