# Tests/system/lib.sh: shared helpers for Saker's end-to-end system tests.
#
# The tests boot a Debian 12 root with real systemd under systemd-nspawn, install what
# `make packages` put in dist/ and watch the agent there. Source this file from a test:
#
#     #!/usr/bin/env bash
#     set -euo pipefail
#     . "$(dirname "$0")/lib.sh"
#     container_start web
#     cexec web apt-get install -y /dist/saker_*.deb
#     wait_unit_ready web saker
#     container_stop web            # optional: every container still running is stopped on exit
#
# Interface (kept stable; other tests, e.g. 50-ansible.sh, build on it):
#
#   Variables (override from the environment):
#     SAKER_REPO        the repository root (derived from this file's path)
#     SAKER_DIST        the packages, bound read-only at /dist in every container ($SAKER_REPO/dist)
#     SAKER_E2E_CACHE   where the debootstrapped base root is cached (/var/cache/saker-e2e)
#     SAKER_E2E_WORK    where the per-container copies live while they run (/var/tmp/saker-e2e)
#     SAKER_E2E_SUITE   the Debian suite (bookworm); SAKER_E2E_MIRROR the mirror (deb.debian.org)
#     SAKER_E2E_BOOT_TIMEOUT  seconds to wait for a container to boot (120)
#   Functions:
#     e2e_base_root                prints the base root's path; builds it on first use with
#                                  debootstrap --variant=minbase (systemd, systemd-sysv, dbus,
#                                  python3, python3-apt, procps, libbpf1, libelf1), then reuses it.
#                                  Outside the repository; never committed.
#     container_start NAME [NSPAWN_ARG...]
#                                  a fresh copy of the base root (an overlay on it), booted
#                                  with systemd-nspawn -b (capabilities and system-call filter
#                                  of DESIGN.md, dist/ at /dist read-only; extra arguments go
#                                  to nspawn); returns once `systemctl is-system-running --wait`
#                                  says running or degraded. Sets CONTAINER_PID (the container's
#                                  PID 1 on the host), CONTAINER_ROOT (its directory on the
#                                  host), E2E_PID[NAME], E2E_ROOT[NAME] and E2E_BOOT_MS.
#     cexec NAME CMD [ARG...]      runs CMD inside (nsenter into every namespace, clean
#                                  environment, stdin passed through); returns CMD's status.
#     container_stop NAME          powers the container off (by the nspawn PID this shell
#                                  started), kills it after a timeout, removes its root.
#     wait_unit_ready NAME [UNIT] [TIMEOUT]
#                                  waits until UNIT (saker) is active/running — for Type=notify
#                                  that means READY=1 arrived; fails with its status and journal
#                                  when it fails or the timeout (60 s) passes.
#     wait_restarted NAME UNIT BEFORE [TIMEOUT]
#                                  waits until UNIT's NRestarts exceeds BEFORE (TIMEOUT 30 s),
#                                  then until it is ready again (wait_unit_ready).
#     wait_journal NAME UNIT REGEX TIMEOUT [JOURNALCTL_ARG...]
#                                  waits until a journal line of UNIT matches the extended REGEX
#                                  and prints the first such line; extra arguments go to
#                                  journalctl (e.g. --since=@EPOCH, --after-cursor=C).
#     unit_prop NAME UNIT PROP     one `systemctl show` property's value.
#     fail MSG...                  prints "FAIL: MSG" to stderr and exits 1.
#     assert_eq EXPECTED ACTUAL [WHAT]
#     assert_match REGEX ACTUAL [WHAT]
#                                  fail, saying what was expected and what was found.
#     step MSG...                  prints a timestamped progress line.
#     now_ms                       milliseconds since the epoch (for measurements).
#     dist_file GLOB               the file name (no directory) in SAKER_DIST matching GLOB, the
#                                  highest version when there are several; fails when none.
#     deb_version FILE             the Debian version in a saker_VERSION_amd64.deb file name.
#
# Needs root, debootstrap and systemd-container on the host (.ci/install-deps test).
# lib.sh installs an EXIT trap that stops every container the sourcing script started; a
# test that needs its own exit work adds it with `e2e_on_exit 'command'`.

SAKER_REPO=${SAKER_REPO:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SAKER_DIST=${SAKER_DIST:-$SAKER_REPO/dist}
SAKER_E2E_CACHE=${SAKER_E2E_CACHE:-/var/cache/saker-e2e}
SAKER_E2E_WORK=${SAKER_E2E_WORK:-/var/tmp/saker-e2e}
SAKER_E2E_SUITE=${SAKER_E2E_SUITE:-bookworm}
SAKER_E2E_MIRROR=${SAKER_E2E_MIRROR:-http://deb.debian.org/debian}
SAKER_E2E_BOOT_TIMEOUT=${SAKER_E2E_BOOT_TIMEOUT:-120}
SAKER_E2E_PACKAGES=${SAKER_E2E_PACKAGES:-systemd,systemd-sysv,dbus,python3,python3-apt,procps,libbpf1,libelf1}

declare -gA E2E_PID=() E2E_NSPAWN=() E2E_ROOT=()
CONTAINER_PID=
CONTAINER_ROOT=
E2E_EXIT_HOOKS=()

step() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
now_ms() { date +%s%3N; }

dist_file() {
    local file
    file=$(find "$SAKER_DIST" -maxdepth 1 -name "$1" -printf '%f\n' 2>/dev/null | sort -V | tail -1)
    [[ -n $file ]] || fail "no $1 in $SAKER_DIST: run make packages first"
    printf '%s\n' "$file"
}

deb_version() { local v=${1#saker_}; printf '%s\n' "${v%_amd64.deb}"; }

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

assert_eq() {
    local expected=$1 actual=$2 what=${3:-value}
    [[ $actual == "$expected" ]] || fail "$what: expected '$expected', got '$actual'"
}

assert_match() {
    local regex=$1 actual=$2 what=${3:-value}
    [[ $actual =~ $regex ]] || fail "$what: expected a match for /$regex/, got '$actual'"
}

e2e_on_exit() { E2E_EXIT_HOOKS+=("$1"); }

_e2e_exit() {
    local rc=$? hook name
    for hook in "${E2E_EXIT_HOOKS[@]}"; do eval "$hook" || true; done
    for name in "${!E2E_NSPAWN[@]}"; do container_stop "$name" || true; done
    return "$rc"
}
trap _e2e_exit EXIT

_e2e_require_root() {
    [[ $(id -u) -eq 0 ]] || fail "system tests need root (they debootstrap and boot containers)"
    local tool
    for tool in debootstrap systemd-nspawn nsenter; do
        command -v "$tool" >/dev/null || fail "$tool is missing: run .ci/install-deps test"
    done
}

e2e_base_root() {
    _e2e_require_root
    # The cache key names the suite and the package list, so a changed list builds a new root.
    local key root
    key=$(printf '%s %s' "$SAKER_E2E_SUITE" "$SAKER_E2E_PACKAGES" | sha256sum | cut -c1-12)
    root=$SAKER_E2E_CACHE/$SAKER_E2E_SUITE-$key
    mkdir -p "$SAKER_E2E_CACHE"
    (
        flock 9
        if [[ ! -x $root/usr/lib/systemd/systemd ]]; then
            local tmp=$root.tmp.$$ t0
            t0=$(now_ms)
            rm -rf "$tmp"
            step "debootstrap $SAKER_E2E_SUITE into $root (first use; cached afterwards)" >&2
            debootstrap --variant=minbase --include="$SAKER_E2E_PACKAGES" \
                "$SAKER_E2E_SUITE" "$tmp" "$SAKER_E2E_MIRROR" >"$SAKER_E2E_CACHE/debootstrap.log" 2>&1 \
                || { tail -20 "$SAKER_E2E_CACHE/debootstrap.log" >&2; rm -rf "$tmp"; exit 1; }
            # No getty on the (piped) console, no first-boot questions, a fixed hostname.
            : >"$tmp/etc/machine-id"
            echo saker-e2e >"$tmp/etc/hostname"
            rm -f "$tmp/etc/systemd/system/getty.target.wants/"* 2>/dev/null || true
            rm -f "$tmp"/var/cache/apt/archives/*.deb
            mv "$tmp" "$root"
            echo "$(( $(now_ms) - t0 ))" >"$SAKER_E2E_CACHE/debootstrap.ms"
            step "debootstrap took $(( ($(now_ms) - t0) / 1000 )) s" >&2
        fi
    ) 9>"$SAKER_E2E_CACHE/.lock" || fail "could not build the base root (see $SAKER_E2E_CACHE/debootstrap.log)"
    printf '%s\n' "$root"
}

# The capabilities the agent needs, as far as this host can grant them (root here may lack
# CAP_SYS_RESOURCE; asking nspawn for a capability outside its bounding set fails).
_e2e_capabilities() {
    local caps=CAP_BPF,CAP_PERFMON,CAP_SYS_ADMIN bnd
    bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
    (( (16#$bnd >> 24) & 1 )) && caps+=,CAP_SYS_RESOURCE
    printf '%s\n' "$caps"
}

# PID 1 of the container: the descendant of nspawn whose command is systemd.
_e2e_find_init() {
    local parent=$1 pid
    for pid in $(ps -o pid= --ppid "$parent" 2>/dev/null); do
        if [[ $(cat "/proc/$pid/comm" 2>/dev/null) == systemd ]]; then echo "$pid"; return 0; fi
        _e2e_find_init "$pid" && return 0
    done
    return 1
}

_e2e_remove_root() {
    local root=$1
    if mountpoint -q "$root" 2>/dev/null; then
        umount "$root" 2>/dev/null || umount -l "$root"
    fi
    rm -rf --one-file-system "$root" "$root.overlay"
}

container_start() {
    local name=$1; shift
    [[ -z ${E2E_NSPAWN[$name]:-} ]] || fail "container $name is already running"
    local base root log t0 nspawn_pid init_pid state deadline
    base=$(e2e_base_root) || exit 1
    mkdir -p "$SAKER_E2E_WORK" "$SAKER_DIST"
    root=$SAKER_E2E_WORK/$name
    log=$SAKER_E2E_WORK/$name.console.log
    _e2e_remove_root "$root"
    # An overlay on the cached root starts at once and never changes the cache; a copy otherwise.
    mkdir -p "$root" "$root.overlay/upper" "$root.overlay/work"
    if ! mount -t overlay overlay -o "lowerdir=$base,upperdir=$root.overlay/upper,workdir=$root.overlay/work" "$root" 2>/dev/null; then
        rmdir "$root"
        cp -a --reflink=auto "$base" "$root"
    fi
    t0=$(now_ms)
    systemd-nspawn --quiet --keep-unit --register=no --link-journal=no -D "$root" -b \
        --machine="$name" --hostname="$name" --console=pipe \
        --capability="$(_e2e_capabilities)" --system-call-filter='bpf perf_event_open' \
        --bind-ro="$SAKER_DIST:/dist" "$@" </dev/null >"$log" 2>&1 &
    nspawn_pid=$!
    E2E_NSPAWN[$name]=$nspawn_pid
    E2E_ROOT[$name]=$root
    deadline=$((SECONDS + SAKER_E2E_BOOT_TIMEOUT))
    until init_pid=$(_e2e_find_init "$nspawn_pid"); do
        kill -0 "$nspawn_pid" 2>/dev/null || { tail -30 "$log" >&2; fail "container $name: systemd-nspawn exited"; }
        ((SECONDS < deadline)) || fail "container $name: no systemd after ${SAKER_E2E_BOOT_TIMEOUT}s"
        sleep 0.2
    done
    E2E_PID[$name]=$init_pid
    # is-system-running needs the system bus socket to exist; retry until it answers.
    while :; do
        state=$(timeout "$SAKER_E2E_BOOT_TIMEOUT" nsenter -t "$init_pid" -a -r -w \
            env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin systemctl is-system-running --wait 2>/dev/null) || true
        [[ $state == running || $state == degraded ]] && break
        kill -0 "$nspawn_pid" 2>/dev/null || { tail -30 "$log" >&2; fail "container $name: systemd-nspawn exited while booting"; }
        ((SECONDS < deadline)) || { tail -30 "$log" >&2; fail "container $name: system state '$state' after ${SAKER_E2E_BOOT_TIMEOUT}s"; }
        sleep 0.5
    done
    CONTAINER_PID=$init_pid
    CONTAINER_ROOT=$root
    E2E_BOOT_MS=$(( $(now_ms) - t0 ))
    step "container $name booted ($state) in ${E2E_BOOT_MS} ms, PID $init_pid"
}

cexec() {
    local name=$1; shift
    local pid=${E2E_PID[$name]:-}
    [[ -n $pid ]] || fail "cexec: no container named $name"
    nsenter -t "$pid" -a -r -w env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive SYSTEMD_PAGER= "$@"
}

container_stop() {
    local name=$1
    local nspawn_pid=${E2E_NSPAWN[$name]:-} i
    [[ -n $nspawn_pid ]] || return 0
    # SIGTERM makes nspawn power the container off (SIGRTMIN+3 to its systemd).
    kill -TERM "$nspawn_pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
        kill -0 "$nspawn_pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -KILL "$nspawn_pid" 2>/dev/null || true
        [[ -n ${E2E_PID[$name]:-} ]] && kill -KILL "${E2E_PID[$name]}" 2>/dev/null || true
    fi
    wait "$nspawn_pid" 2>/dev/null || true
    [[ -n ${E2E_ROOT[$name]:-} ]] && _e2e_remove_root "${E2E_ROOT[$name]}"
    unset "E2E_NSPAWN[$name]" "E2E_PID[$name]" "E2E_ROOT[$name]"
}

unit_prop() {
    cexec "$1" systemctl show -P "$3" "$2"
}

wait_unit_ready() {
    local name=$1 unit=${2:-saker} timeout=${3:-60} deadline state
    deadline=$((SECONDS + timeout))
    while :; do
        state=$(cexec "$name" systemctl show -P ActiveState "$unit")/$(cexec "$name" systemctl show -P SubState "$unit")
        [[ $state == active/running ]] && return 0
        if [[ $state == failed/* ]] || ((SECONDS >= deadline)); then
            cexec "$name" systemctl status --no-pager -l "$unit" >&2 || true
            cexec "$name" journalctl -u "$unit" --no-pager -n 40 >&2 || true
            fail "$unit in $name: expected active/running (READY=1), got $state"
        fi
        sleep 0.2
    done
}

wait_restarted() {
    local name=$1 unit=$2 before=$3 timeout=${4:-30} deadline
    deadline=$((SECONDS + timeout))
    until (($(unit_prop "$name" "$unit" NRestarts) > before)); do
        ((SECONDS < deadline)) || fail "$unit in $name was not restarted within $timeout s (NRestarts stayed $before)"
        sleep 0.3
    done
    wait_unit_ready "$name" "$unit" 60
}

wait_journal() {
    local name=$1 unit=$2 regex=$3 timeout=$4 deadline line
    shift 4
    deadline=$((SECONDS + timeout))
    while :; do
        line=$(cexec "$name" journalctl -u "$unit" --no-pager -o cat "$@" 2>/dev/null | grep -E -m1 -- "$regex") || true
        if [[ -n $line ]]; then printf '%s\n' "$line"; return 0; fi
        if ((SECONDS >= deadline)); then
            cexec "$name" journalctl -u "$unit" --no-pager -n 30 "$@" >&2 || true
            fail "journal of $unit in $name: no line matching /$regex/ within ${timeout}s"
        fi
        sleep 0.3
    done
}
