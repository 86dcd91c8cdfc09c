# Tests/system/fleet/lib-fleet.sh: helpers shared by 50-ansible.sh, 60-puppet.sh and 70-chef.sh.
# Source after ../lib.sh.

FLEET_DIR=$SAKER_REPO/Tests/system/fleet
FLEET_VENV=${SAKER_FLEET_VENV:-/var/cache/saker-e2e/venv}
# Extra systemd-nspawn arguments for the fleet containers (development only, e.g. binding a
# toolchain's libraries in to try a debug build); unset in CI.
FLEET_NSPAWN_ARGS=${FLEET_NSPAWN_ARGS:-}

# Reads /etc/shadow in container NAME with a uniquely named program and waits for the agent's
# alert about exactly that program (other agents on this host see the same kernel events, so a
# plain `cat` could match someone else's). Prints the alert line.
fleet_shadow_alert() {
    local name=$1 timeout=${2:-30} reader
    reader=r$RANDOM-$name
    reader=${reader:0:15}  # the kernel keeps 15 characters of a program's name
    cexec "$name" sh -c "cp /usr/bin/cat /tmp/$reader && /tmp/$reader /etc/shadow >/dev/null"
    wait_journal "$name" saker.service "Sensitive file opened for reading.*process=$reader" "$timeout"
}

# fleet_ruby_check FILE...: `ruby -wc` says "Syntax OK" and nothing else for each file.
fleet_ruby_check() {
    local file check
    for file in "$@"; do
        check=$(ruby -wc "$file" 2>&1) || fail "ruby -wc $file: $check"
        [[ $check == "Syntax OK" ]] || fail "ruby -wc $file warns: $check"
    done
}

# fleet_container_start NAME [NSPAWN_ARG...]: container_start with the host's apt archive cache
# bound in (the tools and packages downloaded once across runs) and FLEET_NSPAWN_ARGS.
fleet_container_start() {
    local name=$1
    shift
    mkdir -p "$SAKER_E2E_CACHE/apt-archives/partial"
    # shellcheck disable=SC2086  # FLEET_NSPAWN_ARGS is a list of arguments
    container_start "$name" "$@" --bind="$SAKER_E2E_CACHE/apt-archives:/var/cache/apt/archives" $FLEET_NSPAWN_ARGS
}

# fleet_apt_install NAME PACKAGE...: apt-get update and install (no recommends) in container
# NAME; on failure prints apt's last lines and fails.
fleet_apt_install() {
    local name=$1 apt_out
    shift
    cexec "$name" apt-get -o APT::Sandbox::User=root update -qq 2>/dev/null
    apt_out=$(cexec "$name" apt-get -o APT::Sandbox::User=root install -y -qq --no-install-recommends "$@" 2>&1) \
        || { printf '%s\n' "$apt_out" | tail -40 >&2; fail "apt-get install $* in $name"; }
}

# Before a change that must reload (not restart) the agent in container NAME: remembers
# saker.service's MainPID (FLEET_PID), NRestarts and the time.
fleet_reload_mark() {
    FLEET_PID=$(unit_prop "$1" saker.service MainPID)
    FLEET_RESTARTS=$(unit_prop "$1" saker.service NRestarts)
    FLEET_SINCE=$(cexec "$1" date +%s)
}

# After it: the agent logged a reload since fleet_reload_mark, kept its MainPID and NRestarts
# (WHAT names the change in messages), and is ready.
fleet_assert_reloaded() {
    local name=$1 what=$2
    wait_journal "$name" saker.service 'saker: reloaded:' 20 --since=@"$FLEET_SINCE" >/dev/null
    assert_eq "$FLEET_PID" "$(unit_prop "$name" saker.service MainPID)" "MainPID after $what"
    assert_eq "$FLEET_RESTARTS" "$(unit_prop "$name" saker.service NRestarts)" "NRestarts after $what"
    fleet_assert_ready "$name"
}

# ActiveState/SubState of saker.service and the first word of its STATUS=.
fleet_assert_ready() {
    local name=$1 state status
    state=$(unit_prop "$name" saker.service ActiveState)/$(unit_prop "$name" saker.service SubState)
    assert_eq active/running "$state" "saker.service state in $name"
    status=$(unit_prop "$name" saker.service StatusText)
    assert_match '^Ready' "$status" "saker.service STATUS= in $name"
}

# Fails unless nothing of saker is left in container NAME.
fleet_assert_removed() {
    local name=$1 what
    what=$(cexec "$name" dpkg-query -W -f='${Status}' saker 2>/dev/null || true)
    [[ -z $what || $what == "unknown ok not-installed" ]] \
        || fail "saker package state after removal in $name: '$what'"
    assert_eq not-found "$(unit_prop "$name" saker.service LoadState)" "saker.service LoadState after removal"
    for what in /usr/bin/saker /etc/saker /usr/share/saker; do
        cexec "$name" test ! -e "$what" || fail "$what still exists after removal in $name"
    done
}

# Seconds with one decimal from a millisecond count.
fleet_seconds() { printf '%d.%01d' $(($1 / 1000)) $(($1 % 1000 / 100)); }

# Reads /etc/saker-fleet-marker in container NAME once a second until the test rule "Fleet
# marker read" alerts (a reload is asynchronous: `systemctl reload` returns once SIGHUP is sent,
# and the agent swaps the rules in a moment later).
fleet_marker_alert() {
    local name=$1 timeout=${2:-30} deadline
    deadline=$((SECONDS + timeout))
    cexec "$name" sh -c ': > /etc/saker-fleet-marker'
    while :; do
        cexec "$name" cat /etc/saker-fleet-marker
        cexec "$name" journalctl -u saker.service --no-pager -o cat | grep -q 'Fleet marker read' && return 0
        if ((SECONDS >= deadline)); then
            cexec "$name" journalctl -u saker.service --no-pager -n 30 >&2 || true
            fail "no 'Fleet marker read' alert in $name within ${timeout}s"
        fi
        sleep 1
    done
}
