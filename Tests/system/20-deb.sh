#!/usr/bin/env bash
# The .deb on a fresh Debian 12 with real systemd: install -> READY -> alert (timed), reload
# good and broken, watchdog, kill -9, upgrade keeping an edited conffile, remove, purge.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

deb=$(dist_file "saker_*_amd64.deb")
version=$(deb_version "$deb")
up_version=$version+e2e1
metrics=$SAKER_DIST/system-tests/metrics.txt
mkdir -p "$SAKER_DIST/system-tests"

# The upgrade package: the same binary under a higher version, built while the first one is tested.
step "building the upgrade package $up_version in the background"
upgrade_dir=$SAKER_DIST/upgrade
rm -rf "$upgrade_dir"; mkdir -p "$upgrade_dir"
(
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    dpkg-deb -x "$SAKER_DIST/$deb" "$work/root"
    zcat "$work/root/usr/share/man/man1/saker.1.gz" >"$work/saker.1"
    SAKER_DEB_COMPRESS="-Zgzip -z1" "$SAKER_REPO/packaging/build-deb.sh" "$work/root/usr/bin/saker" "$work/saker.1" "$up_version" "$upgrade_dir" >/dev/null
) >"$upgrade_dir/build.log" 2>&1 &
upgrade_pid=$!
e2e_on_exit "kill $upgrade_pid 2>/dev/null"

container_start deb
echo "container_boot_ms=$E2E_BOOT_MS" >>"$metrics"

# --- Install: enabled, started, READY, alerting -------------------------------------------
step "apt-get install ./$deb"
t0=$(now_ms)
since=$(cexec deb date +%s)
cexec deb apt-get install -y -q "/dist/$deb" </dev/null >/dev/null || fail "apt-get install /dist/$deb failed"
wait_unit_ready deb saker 60
ready_ms=$(( $(now_ms) - t0 ))
assert_eq enabled "$(cexec deb systemctl is-enabled saker)" "saker.service after install"
assert_match '^Ready: [0-9]+ rules' "$(unit_prop deb saker StatusText)" StatusText
assert_eq saker "$(cexec deb ps -o user= -p "$(unit_prop deb saker MainPID)")" "the agent's user"

# A test process reads /etc/shadow: the hardened unit must still see it.
cexec deb cp /bin/cat /usr/local/bin/shadowpeek
cexec deb shadowpeek /etc/shadow >/dev/null
alert=$(wait_journal deb saker 'Sensitive file opened for reading.*file=/etc/shadow.*process=shadowpeek' 30 --since="@$since")
alert_ms=$(( $(now_ms) - t0 ))
step "alert: $alert"
step "install start -> READY: ${ready_ms} ms; install start -> first alert in the journal: ${alert_ms} ms"
{ echo "deb_install_to_ready_ms=$ready_ms"; echo "deb_install_to_first_alert_ms=$alert_ms"; } >>"$metrics"
((alert_ms < 60000)) || fail "the first alert took ${alert_ms} ms (the promise is well under a minute)"

# --- Reload with a good change: a new local rule fires, same process ---------------------
pid=$(unit_prop deb saker MainPID)
restarts=$(unit_prop deb saker NRestarts)
cexec deb sh -c 'cat >/etc/saker/rules.d/e2e.yaml' <<'EOF'
- rule: E2E marker read
  desc: the system test's marker file was opened
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/e2e-marker
  output: "E2E marker read (process=%proc.name file=%fd.name)"
  priority: WARNING
  tags: [e2e]
EOF
cexec deb sh -c 'echo marker >/etc/e2e-marker'
# The same reload turns on the file, syslog, journald and gRPC outputs (the unit must let them
# write and make the socket) and the metrics listener (it starts with the next process: checked
# after kill -9 below).
cexec deb sh -c 'cat >/etc/saker/config.d/40-e2e.yaml' <<'EOF'
outputs:
  file:
    enabled: true
  syslog:
    enabled: true
  journald:
    enabled: true
  grpc:
    enabled: true
metrics:
  enabled: true
EOF
since=$(cexec deb date +%s)
cexec deb systemctl reload saker || fail "systemctl reload with a good rules file failed"
wait_journal deb saker 'saker: reloaded: [0-9]+ rules' 20 --since="@$since" >/dev/null
cexec deb cat /etc/e2e-marker >/dev/null
wait_journal deb saker 'E2E marker read \(process=cat file=/etc/e2e-marker\)' 20 --since="@$since" >/dev/null
assert_eq "$pid" "$(unit_prop deb saker MainPID)" "MainPID after a good reload"
# The file output has its own queue: give it a moment.
for _ in $(seq 50); do cexec deb grep -q 'E2E marker read' /var/log/saker/events.log 2>/dev/null && break; sleep 0.2; done
assert_match 'E2E marker read' "$(cexec deb cat /var/log/saker/events.log)" "/var/log/saker/events.log (file output)"
wait_journal deb saker 'E2E marker read' 10 --since="@$since" _TRANSPORT=syslog >/dev/null
# journald output: the alert as a structured entry (native protocol), its fields queryable.
wait_journal deb saker 'E2E marker read' 10 --since="@$since" _TRANSPORT=journal SAKER_RULE="E2E marker read" >/dev/null
entry=$(cexec deb journalctl -u saker --no-pager -o export --since="@$since" _TRANSPORT=journal SAKER_RULE="E2E marker read" | head -60)
assert_match $'\nPRIORITY=4\n' "$entry" "the journald output's PRIORITY for a WARNING alert"
assert_match $'\nSAKER_PRIORITY=Warning\n' "$entry" "the journald output's SAKER_PRIORITY"
# gRPC output: Falco's outputs service on the runtime directory's socket, 0660 and group saker.
assert_eq "socket 660 saker saker" "$(cexec deb stat -c '%F %a %U %G' /run/saker/saker.sock)" \
    "the gRPC socket's type, mode, owner and group under the unit"
assert_match '^Ready:' "$(unit_prop deb saker StatusText)" "StatusText after a good reload"

# --- Reload with a broken configuration: refused, old one keeps running, status says why --
cexec deb sh -c 'printf "priority: loudest\n" >/etc/saker/config.d/60-broken.yaml'
if cexec deb systemctl reload saker 2>/dev/null; then fail "systemctl reload with a broken configuration succeeded"; fi
# ExecReload='s output reaches the journal asynchronously: wait for it before reading the status.
wait_journal deb saker '60-broken\.yaml:1:' 20 >/dev/null
status=$(cexec deb systemctl status --no-pager -l -n 20 saker || true)
assert_match '60-broken\.yaml:1:[0-9]+' "$status" "systemctl status after a broken reload (the reason)"
assert_match 'Active: active \(running\)' "$status" "systemctl status after a broken reload"
assert_eq "$pid" "$(unit_prop deb saker MainPID)" "MainPID after a broken reload"
since=$(cexec deb date +%s)
cexec deb cat /etc/e2e-marker >/dev/null
wait_journal deb saker 'E2E marker read' 20 --since="@$since" >/dev/null
step "broken reload refused; status shows: $(grep -m1 -o '60-broken.yaml:[^ ]*.*' <<<"$status")"
cexec deb rm /etc/saker/config.d/60-broken.yaml
cexec deb systemctl reload saker || fail "reload after removing the broken drop-in failed"

# --- Watchdog: a stalled pipeline is killed and restarted ---------------------------------
cexec deb mkdir -p /etc/systemd/system/saker.service.d
cexec deb sh -c 'cat >/etc/systemd/system/saker.service.d/e2e-fault.conf' <<'EOF'
[Service]
Environment=SAKER_TEST_FAULT=stall-reader:after=3
WatchdogSec=5s
EOF
cexec deb systemctl daemon-reload
cexec deb systemctl restart saker
wait_unit_ready deb saker 60
restarts=$(unit_prop deb saker NRestarts)
since=$(cexec deb date +%s)
wait_journal deb saker "saker.service: Failed with result 'watchdog'" 40 --since="@$since" >/dev/null
wait_journal deb saker 'Watchdog timeout' 5 --since="@$since" >/dev/null
wait_restarted deb saker "$restarts"
step "watchdog: killed and restarted (NRestarts $restarts -> $(unit_prop deb saker NRestarts)), READY again"
cexec deb rm -r /etc/systemd/system/saker.service.d
cexec deb systemctl daemon-reload
cexec deb systemctl restart saker
wait_unit_ready deb saker 60

# --- kill -9: restarted and READY ----------------------------------------------------------
pid=$(unit_prop deb saker MainPID)
restarts=$(unit_prop deb saker NRestarts)
cexec deb kill -9 "$pid"
wait_restarted deb saker "$restarts"
[[ $(unit_prop deb saker MainPID) != "$pid" ]] || fail "MainPID unchanged after kill -9"
step "kill -9: restarted as PID $(unit_prop deb saker MainPID), READY"
out=$(cexec deb saker status) || { echo "$out" >&2; fail "saker status (metrics listener on 127.0.0.1:8765) failed"; }
assert_match 'health: +healthy' "$out" "saker status"

# --- Upgrade: the edited conffile is kept, the service restarted and READY ----------------
cexec deb sed -i 's/^priority: debug$/priority: notice  # edited by the e2e test/' /etc/saker/saker.yaml
edited=$(cexec deb sha256sum /etc/saker/saker.yaml)
pid=$(unit_prop deb saker MainPID)
wait "$upgrade_pid" || { cat "$upgrade_dir/build.log" >&2; fail "building the upgrade package failed"; }
step "dpkg -i saker_${up_version}_amd64.deb"
cexec deb dpkg -i "/dist/upgrade/saker_${up_version}_amd64.deb" </dev/null >/dev/null || fail "upgrade with dpkg -i failed"
assert_eq "$up_version" "$(cexec deb dpkg-query -W -f='${Version}' saker)" "installed version after the upgrade"
assert_eq "$edited" "$(cexec deb sha256sum /etc/saker/saker.yaml)" "the edited /etc/saker/saker.yaml after the upgrade"
wait_unit_ready deb saker 60
[[ $(unit_prop deb saker MainPID) != "$pid" ]] || fail "the service was not restarted by the upgrade (MainPID $pid)"
assert_match '^Ready:' "$(unit_prop deb saker StatusText)" "StatusText after the upgrade"
assert_match 'priority: notice' "$(cexec deb saker validate --print-config)" "the running configuration after the upgrade"

# --- Remove stops it; purge leaves nothing of ours ----------------------------------------
cexec deb apt-get remove -y -q saker </dev/null >/dev/null || fail "apt-get remove failed"
assert_eq inactive "$(unit_prop deb saker ActiveState)" "ActiveState after apt-get remove"
if cexec deb pgrep -x saker >/dev/null; then fail "a saker process is still running after apt-get remove"; fi
cexec deb test -f /etc/saker/saker.yaml || fail "remove (not purge) deleted the conffile"
# The admin's own files (our test rule) are theirs to remove; dpkg keeps a directory holding them.
cexec deb rm /etc/saker/rules.d/e2e.yaml /etc/saker/config.d/40-e2e.yaml
cexec deb apt-get purge -y -q saker </dev/null >/dev/null || fail "apt-get purge failed"
left=$(cexec deb sh -c 'ls -d /etc/saker /var/lib/saker /var/log/saker /run/saker /usr/bin/saker /usr/share/saker \
    /usr/share/doc/saker /lib/systemd/system/saker.service /usr/lib/systemd/system/saker.service \
    /usr/lib/sysusers.d/saker.conf /usr/lib/tmpfiles.d/saker.conf /usr/share/man/man1/saker.1.gz \
    /etc/systemd/system/multi-user.target.wants/saker.service \
    /var/lib/systemd/deb-systemd-helper-enabled/saker.service 2>/dev/null; \
    getent passwd saker; getent group saker; dpkg-query -W -f="\${Status}" saker 2>/dev/null | grep -v "not-installed"' || true)
[[ -z $left ]] || fail "purge left these behind: $left"
step "apt-get remove stopped it; purge left nothing"
