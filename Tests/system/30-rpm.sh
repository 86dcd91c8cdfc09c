#!/usr/bin/env bash
# The RPM, checked from the outside (this is Debian): layout, %config(noreplace), the systemd
# scriptlets, and that its binary loads on RHEL 9's glibc and libstdc++.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

rpm=$SAKER_DIST/$(dist_file "saker-*.x86_64.rpm")
step "checking $(basename "$rpm")"

list=$(rpm -qp --list "$rpm")
for path in /usr/bin/saker /etc/saker/saker.yaml /etc/saker/config.d /etc/saker/rules.d \
    /usr/share/saker/rules/saker_rules.yaml /usr/lib/systemd/system/saker.service \
    /usr/lib/systemd/system-preset/90-saker.preset /usr/lib/sysusers.d/saker.conf \
    /usr/lib/tmpfiles.d/saker.conf /usr/share/man/man1/saker.1.gz /var/lib/saker /var/log/saker \
    /usr/share/doc/saker/install.md; do
    grep -qx -- "$path" <<<"$list" || fail "the RPM lacks $path (rpm -qp --list)"
done

# %config(noreplace): file flags 'c' (config) and 'n' (noreplace).
flags=$(rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' "$rpm" | awk '$1 == "/etc/saker/saker.yaml" {print $2}')
assert_match 'c' "$flags" "/etc/saker/saker.yaml is %config"
assert_match 'n' "$flags" "/etc/saker/saker.yaml is %config(noreplace)"
owners=$(rpm -qp --qf '[%{FILENAMES} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILEMODES:perms}\n]' "$rpm")
assert_match '/var/log/saker saker:saker drwxr-x---' "$owners" "/var/log/saker ownership"

scripts=$(rpm -qp --scripts "$rpm")
assert_match 'useradd -r -g saker' "$scripts" "%pre creates the saker user"
assert_match 'systemd-update-helper install-system-units saker.service' "$scripts" "%post (%systemd_post)"
assert_match 'systemd-tmpfiles --create /usr/lib/tmpfiles.d/saker.conf' "$scripts" "%post creates the directories"
assert_match 'systemctl start saker.service' "$scripts" "%post starts the service on first install"
assert_match 'if \[ \$1 -eq 0 \].*systemd-update-helper remove-system-units saker.service' "$(tr '\n' ' ' <<<"$scripts")" "%preun (%systemd_preun, on removal only)"
assert_match 'if \[ \$1 -ge 1 \].*systemd-update-helper mark-restart-system-units saker.service' "$(tr '\n' ' ' <<<"$scripts")" "%postun (%systemd_postun_with_restart, on upgrade only)"
assert_match 'Requires\(pre\).*shadow-utils|shadow-utils' "$(rpm -qp --requires "$rpm")" "Requires(pre): shadow-utils"

# The same files as the .deb: the unit and the default rules.
work=$(mktemp -d)
e2e_on_exit "rm -rf '$work'"
(cd "$work" && rpm2cpio "$rpm" | cpio -idm --quiet)
assert_eq "$(sha256sum <"$SAKER_REPO/systemd/saker.service")" "$(sha256sum <"$work/usr/lib/systemd/system/saker.service")" "the RPM's unit"
assert_eq "$(sha256sum <"$SAKER_REPO/Sources/SakerDefaultRules/saker_rules.yaml")" \
    "$(sha256sum <"$work/usr/share/saker/rules/saker_rules.yaml")" "the RPM's default rules"
assert_match 'rules_files:.*/usr/share/saker/rules/saker_rules.yaml.*/etc/saker/rules.d' \
    "$(tr '\n' ' ' <"$work/etc/saker/saker.yaml")" "the RPM's saker.yaml rules_files"

# RHEL 9: glibc 2.34, GLIBCXX_3.4.29. The binary runs here too.
"$SAKER_REPO/packaging/check-glibc.sh" "$work/usr/bin/saker" || fail "the RPM's binary needs a newer glibc or libstdc++ than RHEL 9 has"
assert_match '^saker [0-9]' "$("$work/usr/bin/saker" version)" "the RPM's saker version"
step "rpm: layout, %config(noreplace), scriptlets and symbol versions as expected"
