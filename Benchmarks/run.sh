#!/usr/bin/env bash
# Saker's benchmarks (`make bench`). Figures are ratios measured in one run: the machine is
# shared and noisy, so compare within a run, never across runs.
#
# Part 1, kernel overhead: an open/close loop with no agent, with a do-nothing sys_exit BPF
# program (the floor), and with `saker capture` recording opens to /dev/null.
set -euo pipefail
cd "$(dirname "$0")/.."
saker=${1:-.build/release/saker}
iterations=${ITERATIONS:-2000000}
rounds=${ROUNDS:-3}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

cc -O2 -o "$work/openclose" Benchmarks/openclose.c

# Runs the loop `rounds` times and prints the best ns/iteration (the least disturbed run).
loop() {
    local best=""
    for _ in $(seq "$rounds"); do
        local v
        v=$("$work/openclose" "$iterations")
        if [[ -z $best ]] || awk -v a="$v" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$v; fi
    done
    echo "$best"
}

# Starts `saker ARGS…` in the background and waits until it reports being attached.
start_agent() {
    "$saker" "$@" 2>"$work/agent.err" &
    agent=$!
    for _ in $(seq 100); do
        grep -q "attached" "$work/agent.err" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "the agent did not attach:" >&2
    cat "$work/agent.err" >&2
    exit 1
}

stop_agent() {
    kill -INT "$agent"
    wait "$agent" || true
}

echo "== kernel overhead: open+close loop, $iterations iterations, best of $rounds =="
bare=$(loop)
start_agent capture --noop-probe --output /dev/null
floor=$(loop)
stop_agent
start_agent capture --output /dev/null
agent_ns=$(loop)
stop_agent
grep -E "events|dropped" "$work/agent.err" || true

awk -v bare="$bare" -v floor="$floor" -v agent="$agent_ns" 'BEGIN {
    printf "no agent           %8.1f ns/iter   1.00x\n", bare
    printf "do-nothing probe   %8.1f ns/iter   %.2fx bare\n", floor, floor / bare
    printf "saker capture      %8.1f ns/iter   %.2fx bare   %.2fx floor (goal: <= 1.10x floor)\n", agent, agent / bare, agent / floor
}'
