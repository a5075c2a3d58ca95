#!/usr/bin/env bash
# The fuzz harnesses of fuzz/ (docs/fuzzing.md). Configures a build folder of their own with
# clang 16 and ZOKML_FUZZERS=ON (ASan + UBSan), builds them, then for each harness
#   1. replays its seed corpus fuzz/corpus/<harness>/ (with --regressions also the reproducers of
#      fuzz/regressions/<harness>/): every input must pass;
#   2. fuzzes it for --seconds (0: not at all) from those seeds. New inputs go to
#      <build>/corpus/<harness>/ (kept between runs unless --fresh), findings to
#      <build>/findings/<harness>/, the log to <build>/logs/<harness>.log.
# Harnesses named by --pending (known findings not fixed yet) only replay their seed corpus.
# Exits 0 when every input passed and fuzzing found nothing, 1 otherwise, 77 when clang 16 is
# missing (CTest counts that as skipped).
#
# usage: scripts/fuzz.sh [--seconds N] [--build-dir DIR] [--jobs N] [--regressions] [--fresh]
#                        [--seed N] [--pending H1,H2,...] [--no-build] [HARNESS...]
#        (default: every harness, 60 seconds each)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

seconds=60
build="$root/build-fuzz"
jobs=1
regressions=0
fresh=0
seed=
pending=,
compile=1
harnesses=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --regressions) regressions=1; shift ;;
    --fresh) fresh=1; shift ;;
    --seed) seed=$2; shift 2 ;;
    --pending) pending=",$2,"; shift 2 ;;
    --no-build) compile=0; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) harnesses+=("$1"); shift ;;
  esac
done
if [ ${#harnesses[@]} -eq 0 ]; then
  for source in "$root"/fuzz/*.cpp; do harnesses+=("$(basename "$source" .cpp)"); done
fi

# Every finding is fatal: a sanitizer report, an uncaught exception, a timeout, too much memory.
limits=(-timeout=10 -rss_limit_mb=2048)
# Reports name functions and lines when an llvm-symbolizer is found (the sanitizers want its real
# path, not Debian's /usr/bin symlink).
symbolizer=$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer || true)
[ -n "$symbolizer" ] && symbolizer=":external_symbolizer_path=$(readlink -f "$symbolizer")"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1$symbolizer}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1$symbolizer}

compiler=${ZOKML_FUZZ_CXX:-clang++-16}
if [ $compile -eq 1 ]; then
  if ! command -v "$compiler" >/dev/null; then
    echo "fuzz: $compiler not found (run scripts/setup.sh, or set ZOKML_FUZZ_CXX)"
    exit 77
  fi
  # A unity build (8 files of a folder per compilation, CMake's default batch): the instrumented
  # build parses the same heavy headers (nlohmann, fmt, Boost) once per batch instead of once per
  # file, which cut its CPU time by 38% (docs/fuzzing.md). Only here: the GCC build compiles
  # file by file.
  cmake -S "$root" -B "$build" -DCMAKE_CXX_COMPILER="$compiler" -DZOKML_FUZZERS=ON -DBUILD_TESTING=OFF \
    -DCMAKE_UNITY_BUILD=ON \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" >/dev/null
  cmake --build "$build" --target zokml_fuzzers -j2
fi
mkdir -p "$build/logs"

# The dictionary of each harness's input language.
dictionary() {
  case "$1" in
    model_onnx) echo "$root/fuzz/dictionaries/onnx.dict" ;;
    npy) echo "$root/fuzz/dictionaries/npy.dict" ;;
    field|zkey|wtns|r1cs) ;;  # binary formats: the seeds carry their structure
    *) echo "$root/fuzz/dictionaries/json.dict" ;;
  esac
}

# Replays and fuzzes one harness; prints one summary line, returns non-zero on a finding.
run() {
  local h=$1 program="$build/fuzz/fuzz_$1" log="$build/logs/$1.log"
  local work="$build/corpus/$h" findings="$build/findings/$h/"
  if [ ! -x "$program" ]; then echo "$h: no such harness ($program)"; return 1; fi
  [ $fresh -eq 1 ] && rm -rf "$work"
  mkdir -p "$work" "$findings"

  local is_pending=0 replayed="seeds"
  case "$pending" in *",$h,"*) is_pending=1 ;; esac
  local inputs=()
  [ -d "$root/fuzz/corpus/$h" ] && inputs+=("$root/fuzz/corpus/$h"/*)
  if [ $regressions -eq 1 ] && [ $is_pending -eq 0 ] && [ -d "$root/fuzz/regressions/$h" ]; then
    inputs+=("$root/fuzz/regressions/$h"/*)
    replayed="seeds and regressions"
  fi
  : >"$log"
  if [ ${#inputs[@]} -gt 0 ] && ! "$program" "${limits[@]}" "${inputs[@]}" >"$log" 2>&1; then
    echo "$h: FAILED replaying the $replayed: see $log"
    grep -E "^Running: " "$log" | tail -1 | sed 's/^/    /' || true
    grep -m1 -E "^==[0-9]+== ?ERROR|runtime error|zokml fuzz:" "$log" | sed 's/^/    /' || true
    return 1
  fi
  if [ $is_pending -eq 1 ]; then
    echo "$h: ok, replayed ${#inputs[@]} seeds (pending fixes: not fuzzed)"
    return 0
  fi
  if [ "$seconds" -eq 0 ]; then
    echo "$h: ok, replayed ${#inputs[@]} $replayed"
    return 0
  fi

  local dict options=("${limits[@]}" -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$findings")
  dict=$(dictionary "$h")
  [ -n "$dict" ] && options+=(-dict="$dict")
  [ -n "$seed" ] && options+=(-seed="$seed")
  local status=0
  "$program" "${options[@]}" "$work" "$root/fuzz/corpus/$h" >>"$log" 2>&1 || status=$?
  local runs speed corpus
  runs=$(grep -oE 'stat::number_of_executed_units: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo "?")
  speed=$(grep -oE 'stat::average_exec_per_sec: +[0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo "?")
  corpus=$(find "$work" -type f | wc -l)
  if [ $status -ne 0 ]; then
    echo "$h: FINDING after $runs runs (exit $status): $(ls -t "$findings" | head -1) in $findings, log $log"
    grep -m1 -E "^==[0-9]+== ?ERROR|runtime error|zokml fuzz:" "$log" | sed 's/^/    /' || true
    return 1
  fi
  printf '%s: ok, replayed %s %s, then %s runs in %ss (%s exec/s), corpus %s inputs\n' "$h" "${#inputs[@]}" \
    "$replayed" "$runs" "$seconds" "$speed" "$corpus"
}

failed=0
running=0
results="$build/logs/summary.txt"
: >"$results"
for h in "${harnesses[@]}"; do
  if [ "$jobs" -le 1 ]; then
    run "$h" | tee -a "$results" || failed=1
    continue
  fi
  (run "$h" >>"$results") &
  running=$((running + 1))
  if [ $running -ge "$jobs" ]; then wait -n || failed=1; running=$((running - 1)); fi
done
while [ $running -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
[ "$jobs" -le 1 ] || cat "$results"
exit $failed
