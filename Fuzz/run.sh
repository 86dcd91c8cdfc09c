#!/usr/bin/env bash
# Builds and runs Saker's libFuzzer targets for a while each.
#   Fuzz/run.sh [SECONDS]      (default 60; CI uses a short run, e.g. 30)
#   FUZZ_SEED=N fixes libFuzzer's seed (make test uses 1, so CI is repeatable; 0 = random)
# Needs a Swift toolchain whose swiftc supports -sanitize=fuzzer (Linux toolchains do). Swift code is
# memory-safe, so AddressSanitizer is left out (it only adds linker noise here).
# Crashes are written to .build-fuzz/ as crash-*; rerun one with: .build-fuzz/<target> <crash file>
set -euo pipefail

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

run() {
    local name="$1" seeds="$2" dict="$3"
    # libFuzzer adds what it finds to the first corpus directory: keep it out of the repository.
    local corpus="$out/$name-corpus"
    mkdir -p "$corpus"
    cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
    # libFuzzer prints a line per new input: keep that in a log, show the summary.
    local log="$out/$name.log"
    if ! (cd "$out" && "./$name" -seed="${FUZZ_SEED:-0}" -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
        -dict="$dict" "$corpus") >"$log" 2>&1; then
        tail -n 40 "$log"
        echo "fuzzing $name found a problem; the full log is $log" >&2
        return 1
    fi
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done)" "$log" || tail -n 3 "$log"
}

echo "building filter-parser-fuzz"
build_filter_parser
echo "fuzzing the filter parser for ${seconds}s"
run filter-parser-fuzz "$root/Fuzz/FilterParserFuzz/seeds" "$root/Fuzz/FilterParserFuzz/filter.dict"
