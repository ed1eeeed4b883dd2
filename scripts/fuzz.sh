#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/, docs/fuzzing.md) in ./build-fuzz with
# clang, AddressSanitizer and UndefinedBehaviorSanitizer, and runs each for SECONDS
# (default 60) on a copy of its seed corpus (tests/fuzz/corpus/<harness>/; nothing is
# written into the repository). Exits non-zero on any finding: a crash, a sanitizer
# report, an input slower than 1 s, more than 2048 MB of memory, or a broken round
# trip; the input is saved under build-fuzz/fuzz-findings/<harness>/.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS]   (seconds per harness, default 60; got '$seconds')" >&2
  exit 2
fi

scripts/install-deps.sh
# A cache made with another compiler would be reset by CMake, losing ATTNSCHED_FUZZ.
if [[ -f build-fuzz/CMakeCache.txt ]] &&
   ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang++-14$' build-fuzz/CMakeCache.txt; then
  rm -rf build-fuzz/CMakeCache.txt build-fuzz/CMakeFiles
fi
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 -DATTNSCHED_FUZZ=ON -DATTNSCHED_WERROR=OFF >/dev/null
build_start=$SECONDS
cmake --build build-fuzz -j "$(nproc)"
echo "fuzz: build took $((SECONDS - build_start)) s"

# Readable stacks; undefined behaviour stops the run with its stack.
export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14
# ASan keeps freed memory in a quarantine to catch use after free (256 MB by default),
# and the resident memory that -rss_limit_mb counts then creeps up over long runs
# (schedule_proto_fuzz: 1.4 GB after 20 minutes). 16 MB still catches use after free
# within an input and keeps it to a few hundred MB (docs/fuzzing.md).
export ASAN_OPTIONS="quarantine_size_mb=16:symbolize=1${ASAN_OPTIONS:+:}${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}${UBSAN_OPTIONS:+:}print_stacktrace=1:halt_on_error=1"

run_dir=build-fuzz/fuzz-run
findings=build-fuzz/fuzz-findings
rm -rf "$run_dir"
summaries=()
failed=()
for harness in schedule_json schedule_proto request; do
  corpus="$run_dir/$harness/corpus"
  artifacts="$findings/$harness"
  log="$run_dir/$harness/fuzz.log"
  mkdir -p "$corpus" "$artifacts"
  cp tests/fuzz/corpus/"$harness"/* "$corpus"/
  args=(-max_total_time="$seconds" -timeout=1 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$artifacts/")
  [[ -f tests/fuzz/$harness.dict ]] && args+=(-dict="tests/fuzz/$harness.dict")
  echo "fuzz: ${harness}_fuzz for ${seconds} s"
  status=0
  "build-fuzz/tests/fuzz/${harness}_fuzz" "${args[@]}" "$corpus" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -n 1 |
        awk '{print $2 " edges, " $4 " features, corpus " $6 " inputs"}')
  if ((status == 0)); then
    summaries+=("${harness}_fuzz: OK, ${runs:-?} executions (${rate:-?}/s), coverage ${cov:-?}")
  else
    summaries+=("${harness}_fuzz: FINDING (exit ${status}), ${runs:-?} executions, coverage ${cov:-?}; input in ${artifacts}/, log ${log}")
    failed+=("$harness")
    echo "---- ${harness}_fuzz: last lines of $log" >&2
    grep -v '^#[0-9]' "$log" | tail -n 60 >&2
    echo "---- reproduce: build-fuzz/tests/fuzz/${harness}_fuzz ${artifacts}/<file>" >&2
  fi
done

for line in "${summaries[@]}"; do echo "fuzz: $line"; done
echo "fuzz: $((${#summaries[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
if ((${#failed[@]} > 0)); then
  echo "fuzz: findings in ${failed[*]} (docs/fuzzing.md: reproducing a finding)" >&2
  exit 1
fi
