#!/usr/bin/env bash
# 50-ansible.sh: the Ansible role (ansible/roles/saker) on a real systemd host.
# ansible-lint (production profile) and the argument spec; then, in a booted Debian 12 container
# where ansible-playbook runs with a local connection (the venv bound read-only): check mode on
# the bare host, the first run (active, READY, alerting; timed from the bare container), a second
# run with changed=0, a config change that reloads without a restart, a bad variable refused by
# the argument spec, a config that does not validate never written, check mode on the installed
# host, and state=absent removing everything.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fleet/lib-fleet.sh"
t_test=$(now_ms)

"$FLEET_DIR/install-tools" ansible
export PATH=$FLEET_VENV/bin:$PATH

step "ansible-lint (production profile)"
(cd "$SAKER_REPO/ansible" && ansible-lint --nocolor) || fail "ansible-lint is not clean"
step "argument spec against defaults"
"$FLEET_VENV/bin/python" "$FLEET_DIR/check_argument_specs.py" "$SAKER_REPO/ansible/roles/saker"

deb=$(dist_file "saker_*_amd64.deb")
version=$(deb_version "$deb")
C=fleet-ansible
container_start "$C" --bind-ro="$FLEET_VENV" --bind-ro="$SAKER_REPO/ansible:/srv/ansible" \
    --bind-ro="$FLEET_DIR:/srv/fleet" ${FLEET_NSPAWN_ARGS:-}
root=${E2E_ROOT[$C]}

# play VARS_JSON [ansible-playbook args...]: runs the role in the container; output in $out, status in $rc.
play() {
    local vars=$1; shift
    printf '%s\n' "$vars" >"$root/root/vars.json"
    rc=0
    out=$(cexec "$C" env ANSIBLE_ROLES_PATH=/srv/ansible/roles ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
        ANSIBLE_LOCAL_TEMP=/root/.ansible/tmp \
        "$FLEET_VENV/bin/ansible-playbook" -i localhost, -e ansible_python_interpreter=/usr/bin/python3 \
        -e @/root/vars.json "$@" /srv/fleet/ansible-test.yml 2>&1) || rc=$?
}
recap() { grep -E '^localhost +:' <<<"$out" || true; }
show() { printf '%s\n' "$out" | tail -${1:-40} >&2; }
expect_ok() { ((rc == 0)) || { show 60; fail "$1: ansible-playbook exited $rc"; }; }

# Two rules files: the second uses a list of the first, so each must be validated beside the other
# files of the rules directory (--rules-drop-in), not only after the packaged rules.
rules='[{"name": "fleet-lists.yaml", "content": "- list: fleet_marker_files\n  items: [/etc/saker-fleet-marker]\n"}, {"name": "fleet.yaml", "content": "- rule: Fleet marker read\n  desc: A rule shipped by the Ansible role.\n  condition: open_read and fd.name in (fleet_marker_files)\n  output: \"Fleet marker read (file=%fd.name process=%proc.name)\"\n  priority: NOTICE\n  tags: [fleet_test]\n"}]'
base="\"saker_install_method\": \"package_file\", \"saker_package_file\": \"/dist/$deb\", \"saker_rules_files\": $rules"

step "check mode on the bare container"
play "{$base, \"saker_config\": {\"priority\": \"informational\"}}" --check
expect_ok "check mode on a bare host"
cexec "$C" test ! -e /usr/bin/saker || fail "check mode installed the package"

step "first run: bare container -> active, READY, alerting"
t0=$(now_ms)
play "{$base, \"saker_config\": {\"priority\": \"informational\"}}"
expect_ok "first run"
t_play=$(( $(now_ms) - t0 ))
fleet_assert_ready "$C"
alert=$(fleet_shadow_alert "$C")
t_alert=$(( $(now_ms) - t0 ))
step "alert: $alert"
assert_eq "$version" "$(cexec "$C" dpkg-query -W -f='${Version}' saker)" "installed version"
cexec "$C" grep -qx 'priority: informational' /etc/saker/config.d/50-ansible.yaml || fail "drop-in not rendered"
cexec "$C" test -f /etc/saker/rules.d/fleet-lists.yaml || fail "lists file not shipped"
cexec "$C" test -f /etc/saker/rules.d/fleet.yaml || fail "rules file not shipped"
fleet_marker_alert "$C"

step "second run: changed=0"
play "{$base, \"saker_config\": {\"priority\": \"informational\"}}"
expect_ok "second run"
assert_match 'changed=0 +unreachable=0 +failed=0' "$(recap)" "second run recap"

step "config change: reload, not restart"
fleet_reload_mark "$C"
play "{$base, \"saker_config\": {\"priority\": \"notice\"}}"
expect_ok "config change"
grep -q 'RUNNING HANDLER \[saker : Reload saker\]' <<<"$out" || { show; fail "the reload handler did not run"; }
grep -q 'RUNNING HANDLER \[saker : Restart saker\]' <<<"$out" && { show; fail "a config change restarted the agent"; }
fleet_assert_reloaded "$C" "a config change"
cexec "$C" grep -qx 'priority: notice' /etc/saker/config.d/50-ansible.yaml || fail "changed drop-in not written"

step "a bad variable fails in the argument spec"
play "{$base, \"saker_state\": \"installed\"}"
((rc != 0)) || fail "saker_state=installed was accepted"
grep -q "value of saker_state must be one of: present, absent, got: installed" <<<"$out" \
    || { show; fail "saker_state=installed did not fail in the argument spec"; }
play "{$base, \"saker_config\": \"priority: notice\"}"
((rc != 0)) || fail "a string saker_config was accepted"
grep -q "saker_config' is of type" <<<"$out" || { show; fail "a string saker_config did not fail in the argument spec"; }

step "a config that does not validate is never written"
before=$(cexec "$C" sha256sum /etc/saker/config.d/50-ansible.yaml)
play "{$base, \"saker_config\": {\"priority\": \"loud\"}}"
((rc != 0)) || fail "priority=loud was accepted"
grep -q "failed to validate" <<<"$out" || { show; fail "priority=loud did not fail in validation"; }
grep -q "priority: 'loud' is not one of" <<<"$out" || { show; fail "the validation error does not say why"; }
assert_eq "$before" "$(cexec "$C" sha256sum /etc/saker/config.d/50-ansible.yaml)" "drop-in after a failed validation"
play "{$base, \"saker_config\": {\"priority\": \"notice\"}, \"saker_rules_files\": [{\"name\": \"broken.yaml\", \"content\": \"- rule: broken\\n  desc: d\\n  condition: proc.nme = x\\n  output: o\\n  priority: NOTICE\\n\"}]}"
((rc != 0)) || fail "a broken rules file was accepted"
grep -q "nonexistent field proc.nme" <<<"$out" || { show; fail "the rules validation error does not say why"; }
cexec "$C" test ! -e /etc/saker/rules.d/broken.yaml || fail "a rules file that does not validate was written"
assert_eq "$FLEET_PID" "$(unit_prop "$C" saker.service MainPID)" "MainPID after the refused changes"

step "check mode on the installed host"
play "{$base, \"saker_config\": {\"priority\": \"warning\"}}" --check --diff
expect_ok "check mode on an installed host"
grep -q '^+priority: warning' <<<"$out" || { show; fail "check mode did not show the pending change"; }
cexec "$C" grep -qx 'priority: notice' /etc/saker/config.d/50-ansible.yaml || fail "check mode changed the drop-in"

step "state=absent removes it"
play "{$base, \"saker_state\": \"absent\"}"
expect_ok "state=absent"
fleet_assert_removed "$C"
play "{$base, \"saker_state\": \"absent\"}"
expect_ok "state=absent again"
assert_match 'changed=0 +unreachable=0 +failed=0' "$(recap)" "second state=absent recap"

step "repository install: a local apt repository, pinned version"
mkdir -p "$root/srv/saker-repo"
cp "$SAKER_DIST/$deb" "$root/srv/saker-repo/"
(cd "$root/srv/saker-repo" && dpkg-scanpackages --multiversion . /dev/null >Packages 2>/dev/null)
repo="\"saker_apt_repository\": \"deb [trusted=yes] file:/srv/saker-repo ./\""
play "{$repo, \"saker_version\": \"$version\"}"
expect_ok "repository install"
fleet_assert_ready "$C"
assert_eq "$version" "$(cexec "$C" dpkg-query -W -f='${Version}' saker)" "version from the repository"
cexec "$C" test -f /etc/apt/sources.list.d/saker.list || fail "the apt repository was not added"

step "a downgrade is refused unless asked"
play "{$repo, \"saker_version\": \"0.0.1\"}"
((rc != 0)) || fail "a downgrade to 0.0.1 was accepted"
grep -q "set saker_allow_downgrade=true to downgrade" <<<"$out" || { show; fail "the downgrade was not refused by the preflight"; }
assert_eq "$version" "$(cexec "$C" dpkg-query -W -f='${Version}' saker)" "version after the refused downgrade"

step "state=absent removes it and the repository"
play "{$repo, \"saker_state\": \"absent\"}"
expect_ok "state=absent (repository)"
fleet_assert_removed "$C"
cexec "$C" test ! -e /etc/apt/sources.list.d/saker.list || fail "the apt repository is still configured"

container_stop "$C"
step "ansible: bare container -> first alert $(fleet_seconds "$t_alert") s (playbook $(fleet_seconds "$t_play") s, boot $(fleet_seconds "$E2E_BOOT_MS") s); test took $(fleet_seconds $(( $(now_ms) - t_test ))) s"
echo "PASS: 50-ansible"
