#!/usr/bin/env bash
# The unit on its own: hardening score, systemd-analyze verify on a real systemd, and the
# sysusers/tmpfiles files doing what the unit expects.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

unit=$SAKER_REPO/systemd/saker.service
max_exposure=3.0

# systemd-analyze security prints "→ Overall exposure level for saker.service: 2.4 OK".
report=$(systemd-analyze security --offline=true "$unit" 2>&1) || { echo "$report" >&2; fail "systemd-analyze security failed"; }
score=$(grep -oE 'Overall exposure level for saker.service: [0-9.]+' <<<"$report" | awk '{print $NF}')
[[ -n $score ]] || { echo "$report" >&2; fail "no exposure level in systemd-analyze security's output"; }
step "systemd-analyze security: exposure $score (limit $max_exposure)"
awk -v s="$score" -v m="$max_exposure" 'BEGIN { exit !(s <= m) }' \
    || { grep '✗' <<<"$report" >&2; fail "exposure $score is above $max_exposure"; }
mkdir -p "$SAKER_DIST/system-tests"
echo "unit_exposure=$score" >>"$SAKER_DIST/system-tests/metrics.txt"

# The packages ship exactly this unit.
deb=$SAKER_DIST/$(dist_file "saker_*_amd64.deb")
assert_eq "$(sha256sum <"$unit")" "$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./lib/systemd/system/saker.service | sha256sum)" \
    "the .deb's saker.service (same as systemd/saker.service)"

# verify needs the binary the unit names and a booted systemd: unpack the .deb's files (no
# maintainer scripts) into a container.
container_start unit
# (into a scratch directory: extracting onto / would replace the merged-/usr /lib symlink).
cexec unit dpkg-deb -x "/dist/$(basename "$deb")" /tmp/pkg
cexec unit sh -c 'cp /tmp/pkg/usr/bin/saker /usr/bin/ && cp /tmp/pkg/lib/systemd/system/saker.service /lib/systemd/system/ \
    && cp /tmp/pkg/usr/lib/sysusers.d/saker.conf /usr/lib/sysusers.d/ && cp /tmp/pkg/usr/lib/tmpfiles.d/saker.conf /usr/lib/tmpfiles.d/'
out=$(cexec unit systemd-analyze verify --man=no /lib/systemd/system/saker.service 2>&1) \
    || { echo "$out" >&2; fail "systemd-analyze verify saker.service failed"; }
[[ -z $out ]] || { echo "$out" >&2; fail "systemd-analyze verify printed warnings"; }
step "systemd-analyze verify: clean"

cexec unit systemd-sysusers /usr/lib/sysusers.d/saker.conf
assert_match '^saker:x:[0-9]+:[0-9]+:Saker runtime-security agent:/var/lib/saker:/usr/sbin/nologin$' \
    "$(cexec unit getent passwd saker)" "the saker user from saker.sysusers"
cexec unit systemd-tmpfiles --create /usr/lib/tmpfiles.d/saker.conf
assert_eq "saker saker 750" "$(cexec unit stat -c '%U %G %a' /var/log/saker)" "/var/log/saker from saker.tmpfiles"
assert_eq "saker saker 750" "$(cexec unit stat -c '%U %G %a' /var/lib/saker)" "/var/lib/saker from saker.tmpfiles"
