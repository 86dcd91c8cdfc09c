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
