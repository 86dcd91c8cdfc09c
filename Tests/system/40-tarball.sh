#!/usr/bin/env bash
# The tarball on a fresh Debian 12 with systemd: install.sh refuses without root, installs,
# starts and reaches READY, alerts, is idempotent, and --purge removes it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

tarball=$(dist_file "saker-*-linux-x86_64.tar.gz")
dir=${tarball%.tar.gz}

container_start tarball
cexec tarball tar -xzf "/dist/$tarball" -C /opt

# Not root: refused, clearly, and nothing installed.
if out=$(cexec tarball setpriv --reuid=nobody --regid=nogroup --clear-groups "/opt/$dir/install.sh" 2>&1); then
    fail "install.sh as nobody succeeded: $out"
fi
assert_match 'must run as root' "$out" "install.sh as nobody"
cexec tarball test ! -e /usr/local/bin/saker || fail "install.sh as nobody installed something"

step "install.sh"
t0=$(now_ms)
since=$(cexec tarball date +%s)
cexec tarball "/opt/$dir/install.sh" || fail "install.sh failed"
wait_unit_ready tarball saker 60
step "install.sh -> READY in $(( $(now_ms) - t0 )) ms"
assert_eq enabled "$(cexec tarball systemctl is-enabled saker)" "saker.service after install.sh"
assert_eq /usr/local/lib/systemd/system/saker.service "$(unit_prop tarball saker FragmentPath)" "the unit's path"
assert_match '^Ready:' "$(unit_prop tarball saker StatusText)" StatusText
assert_match 'path=/usr/local/bin/saker' "$(unit_prop tarball saker ExecStart)" "ExecStart"
cexec tarball cp /bin/cat /usr/local/bin/shadowpeek
cexec tarball shadowpeek /etc/shadow >/dev/null
wait_journal tarball saker 'Sensitive file opened for reading.*file=/etc/shadow.*process=shadowpeek' 30 --since="@$since" >/dev/null

# A second run changes nothing and keeps the agent running.
pid=$(unit_prop tarball saker MainPID)
out=$(cexec tarball "/opt/$dir/install.sh") || fail "second install.sh failed: $out"
assert_match 'running and up to date' "$out" "second install.sh"
if grep -q 'installed /' <<<"$out"; then fail "second install.sh reinstalled files: $out"; fi
assert_eq "$pid" "$(unit_prop tarball saker MainPID)" "MainPID after the second install.sh"

# An edited configuration survives a re-install.
cexec tarball sed -i 's/^priority: debug$/priority: notice/' /etc/saker/saker.yaml
cexec tarball "/opt/$dir/install.sh" >/dev/null
assert_match '^priority: notice' "$(cexec tarball grep '^priority' /etc/saker/saker.yaml)" "edited saker.yaml after install.sh"

cexec tarball "/opt/$dir/install.sh" --purge >/dev/null || fail "install.sh --purge failed"
left=$(cexec tarball sh -c 'ls -d /usr/local/bin/saker /usr/local/share/saker /usr/local/lib/systemd/system/saker.service \
    /usr/local/lib/sysusers.d/saker.conf /usr/local/lib/tmpfiles.d/saker.conf /etc/saker /var/lib/saker /var/log/saker \
    /etc/systemd/system/multi-user.target.wants/saker.service 2>/dev/null; getent passwd saker; pgrep -x saker' || true)
[[ -z $left ]] || fail "install.sh --purge left: $left"
step "tarball: refused as nobody, installed, READY, alerting, idempotent, purged"
