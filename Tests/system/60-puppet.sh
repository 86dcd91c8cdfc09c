#!/usr/bin/env bash
# 60-puppet.sh: the Puppet module (puppet/, module saker) on a real systemd host.
# puppet parser validate, puppet epp validate, puppet-lint --fail-on-warnings, the REFERENCE.md
# against init.pp; then, in a booted Debian 12 container: Debian's puppet installed with apt,
# `puppet apply` -> active, READY, alerting (timed from the bare container); a second apply
# changes nothing; a config change reloads (same MainPID, NRestarts); a mistyped parameter and a
# config that does not validate are refused (nothing written); --noop writes nothing;
# ensure => absent removes everything.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fleet/lib-fleet.sh"
t_test=$(now_ms)
M=$SAKER_REPO/puppet

"$FLEET_DIR/install-tools" puppet
step "puppet parser validate, puppet epp validate, puppet-lint --fail-on-warnings"
puppet parser validate "$M"/manifests/*.pp "$M"/types/*.pp "$M"/examples/*.pp || fail "puppet parser validate"
puppet epp validate "$M"/templates/*.epp || fail "puppet epp validate"
(cd "$M" && puppet-lint --relative --fail-on-warnings manifests types examples) || fail "puppet-lint is not clean"
fleet_ruby_check "$M"/lib/puppet/functions/saker/to_yaml.rb
python3 -m json.tool "$M/metadata.json" >/dev/null || fail "metadata.json is not JSON"
step "REFERENCE.md is puppet strings' output for the module as it is; every parameter has Hiera data"
ref=$(mktemp -d)
e2e_on_exit "rm -rf '$ref'"
cp -r "$M" "$ref/saker"
(cd "$ref/saker" && puppet strings generate --format markdown --out "$ref/REFERENCE.md" >/dev/null 2>&1) \
    || fail "puppet strings generate failed"
diff -u "$M/REFERENCE.md" "$ref/REFERENCE.md" >&2 || fail "puppet/REFERENCE.md is stale: regenerate it with puppet strings"
for param in $(sed -n 's/^# @param \([a-z_]*\).*/\1/p' "$M/manifests/init.pp"); do
    grep -q "^##### <a name=\"$param\"></a>\`$param\`" "$M/REFERENCE.md" || fail "REFERENCE.md does not describe saker::$param"
    grep -q "^saker::$param:" "$M/data/common.yaml" "$M"/data/os/*.yaml || fail "no Hiera default for saker::$param"
done

deb=$(dist_file "saker_*_amd64.deb")
version=$(deb_version "$deb")
C=fleet-puppet
fleet_container_start "$C" --bind-ro="$M:/srv/puppet/modules/saker"
root=${E2E_ROOT[$C]}

# apply MANIFEST [puppet args...]: puppet apply in the container; output in $out, status in $rc.
apply() {
    printf '%s\n' "$1" >"$root/root/site.pp"; shift
    rc=0
    out=$(cexec "$C" puppet apply --color=false --detailed-exitcodes --modulepath=/srv/puppet/modules \
        "$@" /root/site.pp 2>&1) || rc=$?
}
show() { printf '%s\n' "$out" | tail -${1:-40} >&2; }
expect_rc() { ((rc == $1)) || { show 60; fail "$2: puppet apply exited $rc, expected $1"; }; }

rules="{ 'fleet.yaml' => \"- rule: Fleet marker read\\n  desc: A rule shipped by the Puppet module.\\n  condition: open_read and fd.name = /etc/saker-fleet-marker\\n  output: \\\"Fleet marker read (file=%fd.name process=%proc.name)\\\"\\n  priority: NOTICE\\n\" }"
manifest() { printf "class { 'saker':\n  package_source => '/dist/%s',\n  rules_files => %s,\n  %s\n}\n" "$deb" "$rules" "$1"; }

step "bare container -> Debian's puppet (apt)"
t0=$(now_ms)
fleet_apt_install "$C" puppet
t_tool=$(( $(now_ms) - t0 ))
step "puppet $(cexec "$C" puppet --version) installed in $(fleet_seconds "$t_tool") s"

step "first apply -> active, READY, alerting"
t1=$(now_ms)
apply "$(manifest "config => { 'priority' => 'informational' },")"
expect_rc 2 "first apply"
t_apply=$(( $(now_ms) - t1 ))
fleet_assert_ready "$C"
alert=$(fleet_shadow_alert "$C")
t_alert=$(( $(now_ms) - t0 ))
step "alert: $alert"
assert_eq "$version" "$(cexec "$C" dpkg-query -W -f='${Version}' saker)" "installed version"
cexec "$C" grep -qx 'priority: informational' /etc/saker/config.d/50-puppet.yaml || fail "drop-in not rendered"
fleet_marker_alert "$C"

step "second apply changes nothing"
apply "$(manifest "config => { 'priority' => 'informational' },")"
expect_rc 0 "second apply"

step "config change: reload, not restart"
fleet_reload_mark "$C"
apply "$(manifest "config => { 'priority' => 'notice' },")"
expect_rc 2 "config change"
grep -q "Service\[saker.service\]: Triggered 'refresh'" <<<"$out" || { show; fail "the config change did not refresh the service"; }
fleet_assert_reloaded "$C" "a config change"

step "a mistyped parameter is refused"
apply "$(manifest "ensure => 'installed',")"
((rc != 0 && rc != 2)) || fail "ensure => installed was accepted"
grep -q "parameter 'ensure' expects a match for Enum\['absent', 'present'\]" <<<"$out" || { show; fail "ensure => installed: not a type error"; }

step "a config that does not validate is never written"
before=$(cexec "$C" sha256sum /etc/saker/config.d/50-puppet.yaml)
apply "$(manifest "config => { 'priority' => 'loud' },")"
((rc == 4 || rc == 6)) || { show; fail "priority => loud: expected a failed resource, puppet apply exited $rc"; }
grep -q "priority: 'loud' is not one of" <<<"$out" || { show; fail "the validation error does not say why"; }
assert_eq "$before" "$(cexec "$C" sha256sum /etc/saker/config.d/50-puppet.yaml)" "drop-in after a failed validation"
assert_eq "$FLEET_PID" "$(unit_prop "$C" saker.service MainPID)" "MainPID after the refused change"

step "--noop writes nothing"
apply "$(manifest "config => { 'priority' => 'warning' },")" --noop
((rc == 0 || rc == 2)) || { show; fail "--noop: puppet apply exited $rc"; }
grep -q "50-puppet.yaml\]/content: current_value .*(noop)" <<<"$out" || { show; fail "--noop did not report the pending change"; }
cexec "$C" grep -qx 'priority: notice' /etc/saker/config.d/50-puppet.yaml || fail "--noop changed the drop-in"

step "ensure => absent removes it"
apply "$(manifest "ensure => absent,")"
expect_rc 2 "ensure => absent"
fleet_assert_removed "$C"
apply "$(manifest "ensure => absent,")"
expect_rc 0 "ensure => absent again"

container_stop "$C"
step "puppet: bare container -> first alert $(fleet_seconds "$t_alert") s (apt install puppet $(fleet_seconds "$t_tool") s, first apply $(fleet_seconds "$t_apply") s, boot $(fleet_seconds "$E2E_BOOT_MS") s); test took $(fleet_seconds $(( $(now_ms) - t_test ))) s"
echo "PASS: 60-puppet"
