#!/usr/bin/env bash
# Builds and runs Saker's libFuzzer targets.
#   Fuzz/run.sh --replay       run every input of the committed corpus (seeds/ and corpus/) once:
#                              the same inputs on every machine, so a failure is a real regression
#                              and reproducible (`make test`)
#   Fuzz/run.sh [SECONDS]      explore for SECONDS (default 60) from that corpus (`make fuzz`)
#   FUZZ_SEED=N fixes libFuzzer's seed when exploring (0 = random). An exploring run is not
#   repeatable even with a seed (libFuzzer's scheduling and Swift's per-process hash seeds vary),
#   which is why CI replays a corpus rather than exploring.
# To grow the committed corpus after exploring, merge what was found into it (minimised, inputs up
# to 512 bytes, which keeps it small):
#   .build-fuzz/filter-parser-fuzz -merge=1 -max_len=512 Fuzz/FilterParserFuzz/corpus .build-fuzz/filter-parser-fuzz-corpus
# Needs a Swift toolchain whose swiftc supports -sanitize=fuzzer (Linux toolchains do). Swift code is
# memory-safe, so AddressSanitizer is left out (it only adds linker noise here).
# Crashes are written to .build-fuzz/ as crash-*; rerun one with: .build-fuzz/<target> <crash file>
set -euo pipefail

replay=false
if [[ ${1:-} == --replay ]]; then replay=true; shift; fi
seconds="${1:-${FUZZ_SECONDS:-60}}"
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build-fuzz"
mkdir -p "$out"

# The filter parser needs no other module: its files are compiled together with the entry point.
filter_parser_sources=(AST Escaping Lexer ListSubstitution ParseError Parser Position Printer SourceMap Visitor)

build_filter_parser() {
    local sources=()
    for name in "${filter_parser_sources[@]}"; do sources+=("$root/Sources/SakerRules/Filter$name.swift"); done
    swiftc -sanitize=fuzzer -parse-as-library -O -g -module-name FilterParserFuzz \
        "${sources[@]}" "$root/Fuzz/FilterParserFuzz/FilterParserFuzz.swift" -o "$out/filter-parser-fuzz"
}

# Prints what a failed libFuzzer run left in LOG and fails, saying WHAT found a problem. The
# crash report (what failed, on which input) comes before the backtrace: show both ends.
report_failure() {
    local log="$1" what="$2"
    grep -m 5 -E "Fatal error|ERROR:|Test unit written|crash-" "$log" || true
    tail -n 40 "$log"
    echo "$what found a problem; the full log is $log" >&2
    return 1
}

# Runs every input under the given directories once.
replay() {
    local name="$1"; shift
    local log="$out/$name-replay.log"
    if ! (cd "$out" && "./$name" -runs=0 -max_len=4096 -timeout=10 "$@") >"$log" 2>&1; then
        report_failure "$log" "replaying the $name corpus"
    fi
    echo "$name: $(find "$@" -type f | wc -l) inputs replayed, all pass"
}

run() {
    local name="$1" seeds="$2" dict="$3"
    # libFuzzer adds what it finds to the first corpus directory: keep it out of the repository.
    local corpus="$out/$name-corpus"
    mkdir -p "$corpus"
    cp -n "$seeds"/* "$(dirname "$seeds")/corpus"/* "$corpus"/ 2>/dev/null || true
    # libFuzzer prints a line per new input: keep that in a log, show the summary.
    local log="$out/$name.log"
    if ! (cd "$out" && "./$name" -seed="${FUZZ_SEED:-0}" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
        -dict="$dict" "$corpus") >"$log" 2>&1; then
        report_failure "$log" "fuzzing $name"
    fi
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done)" "$log" || tail -n 3 "$log"
}

echo "building filter-parser-fuzz"
build_filter_parser
parser_dir="$root/Fuzz/FilterParserFuzz"
if $replay; then
    replay filter-parser-fuzz "$parser_dir/seeds" "$parser_dir/corpus"
    exit 0
fi
echo "fuzzing the filter parser for ${seconds}s"
run filter-parser-fuzz "$parser_dir/seeds" "$parser_dir/filter.dict"
