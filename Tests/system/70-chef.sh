#!/usr/bin/env bash
# 70-chef.sh: the Chef cookbook (chef/, cookbook saker). Chef Infra Client cannot be installed
# here, so after `ruby -wc` and rubocop this runs chef/simulation/simulate.rb — a SIMULATION, a
# recording DSL, not Chef (chef/simulation/README.md says what that proves and what not) — inside
# a booted Debian 12 container with the package installed, on that host's real Ohai facts and
# Debian's chef-utils: resource order, notification targets, every template rendered and every
# `verify` run against the installed saker; a non-validating config, a mistyped property and a
# bad notification target are refused; the remove recipe; and the live agent reloads the
# rendered drop-in and rules file.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/fleet/lib-fleet.sh"
t_test=$(now_ms)
CB=$SAKER_REPO/chef

"$FLEET_DIR/install-tools" chef
step "ruby -wc and rubocop"
mapfile -d '' ruby_files < <(find "$CB" -name '*.rb' -print0)
fleet_ruby_check "${ruby_files[@]}"
(cd "$CB" && rubocop --format simple) || fail "rubocop is not clean"

deb=$(dist_file "saker_*_amd64.deb")
C=fleet-chef
fleet_container_start "$C" --bind-ro="$CB:/srv/chef/cookbooks/saker"
root=${E2E_ROOT[$C]}

step "package, ruby-chef-utils and ohai in the container (apt)"
t0=$(now_ms)
fleet_apt_install "$C" ruby-chef-utils ohai "/dist/$deb"
step "installed in $(fleet_seconds $(( $(now_ms) - t0 ))) s"
wait_unit_ready "$C" saker.service

# simulate NAME ATTRIBUTES_JSON [RECIPE] [COOKBOOK]: runs the harness; report in $root/root/NAME/report.json.
simulate() {
    local name=$1 recipe=${3:-default} cookbook=${4:-/srv/chef/cookbooks/saker}
    printf '%s\n' "$2" >"$root/root/$name.json"
    rc=0
    out=$(cexec "$C" ruby /srv/chef/cookbooks/saker/simulation/simulate.rb --cookbook "$cookbook" \
        --recipe "$recipe" --out "/root/$name" --attributes "/root/$name.json" 2>&1) || rc=$?
}
report() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$root/root/$1/report.json"; }
show() { printf '%s\n' "$out" | tail -30 >&2; }

rules='{"fleet.yaml": "- rule: Fleet marker read\n  desc: A rule shipped by the Chef cookbook.\n  condition: open_read and fd.name = /etc/saker-fleet-marker\n  output: \"Fleet marker read (file=%fd.name process=%proc.name)\"\n  priority: NOTICE\n"}'
attrs() { printf '{"saker": {"package_source": "/dist/%s", "rules_files": %s, "config": %s}}' "$deb" "$rules" "$1"; }

step "simulation: default recipe on the container's Ohai facts"
simulate good "$(attrs '{"priority": "notice", "outputs": {"journald": {"enabled": true}}}')"
((rc == 0)) || { show; fail "the simulation of the default recipe failed"; }
printf '%s\n' "$out"
assert_eq "debian debian systemd True" "$(report good "r['facts']['platform'], r['facts']['platform_family'], r['facts']['init_package'], r['systemd']")" "Ohai facts"
assert_eq "saker_install[saker] saker_config[50-chef.yaml] saker_rules[fleet.yaml] saker_service[saker]" \
    "$(report good "' '.join(r['order'])")" "resource order"
assert_eq "saker_service[saker]:restart saker_service[saker]:reload" \
    "$(report good "' '.join(n['target'] + ':' + n['action'] for n in r['delayed_notifications'])")" "delayed notifications"
assert_eq "dpkg_package[saker] action install|service[saker.service] action reload: skipped by its guard" \
    "$(report good "r['log'][0] + '|' + r['log'][-1]")" "first action and the reload after the restart"
assert_eq "dpkg_package[saker] /dist/$deb" \
    "$(report good "r['resources'][0]['children'][0]['resource'] + ' ' + r['resources'][0]['children'][0]['properties']['source']")" \
    "the package file goes through dpkg_package (apt refuses source)"
assert_eq "2 0 0" "$(report good "len(r['rendered']), sum(f['verify_exit'] for f in r['rendered']), len(r['problems'])")" \
    "rendered files, verify failures, problems"
assert_match 'validate --drop-in /root/good/00-50-chef.yaml --as 50-chef.yaml' \
    "$(report good "r['rendered'][0]['verify_command']")" "the drop-in's verify command"

step "a config that does not validate fails its verify"
simulate loud "$(attrs '{"priority": "loud"}')"
((rc == 1)) || { show; fail "priority=loud: the simulation exited $rc, expected 1"; }
grep -q "priority: 'loud' is not one of" <<<"$out" || { show; fail "priority=loud: no validation error"; }
grep -q "template\[/etc/saker/config.d/50-chef.yaml\]: verify failed" <<<"$out" || { show; fail "priority=loud: not reported as a failed verify"; }

step "a mistyped property is refused"
simulate typed "$(attrs '"priority: notice"')"
((rc == 1)) || { show; fail "config as a String: the simulation exited $rc, expected 1"; }
grep -q "refused: saker_config\[50-chef.yaml\]: property config must be Hash" <<<"$out" || { show; fail "config as a String: no type error"; }

step "a notification to a missing resource is reported"
cexec "$C" sh -c 'rm -rf /root/cb-typo && cp -r /srv/chef/cookbooks/saker /root/cb-typo &&
    sed -i "s/saker_service\[saker\]'"'"', :delayed/saker_service[sakerd]'"'"', :delayed/" /root/cb-typo/recipes/default.rb'
simulate typo "$(attrs '{}')" default /root/cb-typo
((rc == 1)) || { show; fail "a notification to saker_service[sakerd]: the simulation exited $rc, expected 1"; }
grep -q "notifies saker_service\[sakerd\], which is not in the resource collection" <<<"$out" || { show; fail "the bad target was not reported"; }

step "simulation: remove recipe"
simulate remove "$(attrs '{}')" remove
((rc == 0)) || { show; fail "the simulation of the remove recipe failed"; }
assert_eq "file[/etc/saker/config.d/50-chef.yaml]:delete file[/etc/saker/rules.d/fleet.yaml]:delete service[saker.service]:stop service[saker.service]:disable package[saker]:purge" \
    "$(report remove "' '.join(c['resource'] + ':' + ','.join(c['actions']) for res in r['resources'] for c in res['children'] for c in ([c] + c['children']) if not c['resource'].startswith('saker_'))")" \
    "the remove recipe's resources"

step "the live agent reloads the rendered drop-in and rules file"
fleet_reload_mark "$C"
cexec "$C" install -m 0644 /root/good/00-50-chef.yaml /etc/saker/config.d/50-chef.yaml
cexec "$C" install -m 0644 /root/good/01-fleet.yaml /etc/saker/rules.d/fleet.yaml
cexec "$C" systemctl reload saker.service
fleet_assert_reloaded "$C" "the reload"
fleet_marker_alert "$C"

container_stop "$C"
step "chef (simulation): test took $(fleet_seconds $(( $(now_ms) - t_test ))) s"
echo "PASS: 70-chef"
