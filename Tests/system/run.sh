#!/usr/bin/env bash
# Runs Saker's end-to-end system tests: Tests/system/[0-9][0-9]-*.sh in lexical order, each
# in its own bash, each must exit 0. Prints a summary with timings; exits 1 if any failed.
# Usage: Tests/system/run.sh [PATTERN]   (e.g. `run.sh 20` runs only 20-*.sh)
# Needs root and `make packages` (dist/). Logs: dist/system-tests/NAME.log.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
logs=${SAKER_DIST:-$repo/dist}/system-tests
mkdir -p "$logs"
# Measurements the tests record (exposure score, install-to-alert time, boot time…).
rm -f "$logs/metrics.txt"

names=() results=() times=()
failed=0
start=$SECONDS
for test in "$here"/[0-9][0-9]-*.sh; do
    name=$(basename "$test" .sh)
    [[ -n ${1:-} && $name != "$1"* ]] && continue
    echo "=== $name"
    t0=$SECONDS
    if bash "$test" 2>&1 | tee "$logs/$name.log"; then
        result=ok
    else
        result=FAILED; failed=1
    fi
    names+=("$name"); results+=("$result"); times+=($((SECONDS - t0)))
    echo "=== $name: $result ($((SECONDS - t0)) s)"
done
((${#names[@]})) || { echo "error: no system test matched '${1:-}'" >&2; exit 1; }

echo
echo "System tests:"
for i in "${!names[@]}"; do
    printf '  %-14s %-7s %4d s\n' "${names[$i]}" "${results[$i]}" "${times[$i]}"
done
printf '  %-14s %-7s %4d s\n' total "$( ((failed)) && echo FAILED || echo ok)" $((SECONDS - start))
if [[ -s $logs/metrics.txt ]]; then
    echo "Measured ($logs/metrics.txt):"
    sed 's/^/  /' "$logs/metrics.txt"
fi
exit "$failed"
