#!/usr/bin/env bash
# Installs Saker from this tarball and starts it under systemd. Run as root, from anywhere:
#   ./install.sh               install or upgrade, enable and start saker.service
#   ./install.sh --uninstall   stop and remove it (keeps /etc/saker and the logs)
#   ./install.sh --purge       remove it and everything it made: /etc/saker, /var/lib/saker,
#                              /var/log/saker, the saker user and group
# Idempotent and never interactive. Where things go (docs/install.md):
#   /usr/local/bin/saker, /usr/local/share/saker/rules/, /usr/local/share/man/man1/saker.1,
#   /usr/local/lib/systemd/system/saker.service, /usr/local/lib/{sysusers,tmpfiles}.d/saker.conf,
#   /etc/saker/saker.yaml (only when missing: an existing one is kept), /etc/saker/{config,rules}.d/
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
prefix=/usr/local
unitdir=$prefix/lib/systemd/system
bin=$prefix/bin/saker
changed=0

say() { printf 'saker install: %s\n' "$*"; }
die() { printf 'saker install: error: %s\n' "$*" >&2; exit 1; }

# Copies $1 to $2 with mode $3 unless $2 already has the same content.
put() {
    if [[ -f $2 ]] && cmp -s "$1" "$2"; then return 0; fi
    install -D -m "$3" "$1" "$2"
    say "installed $2"
    changed=1
}

# The shipped unit and config name /usr/bin and /usr/share; this install lives under /usr/local.
localize() { sed -e "s|/usr/bin/saker|$bin|g" -e "s|/usr/share/saker/|$prefix/share/saker/|g" "$1"; }

uninstall() {
    local purge=$1
    if [[ -d /run/systemd/system ]]; then
        systemctl disable --now saker.service >/dev/null 2>&1 || true
    fi
    rm -f "$bin" "$unitdir/saker.service" "$prefix/lib/sysusers.d/saker.conf" \
        "$prefix/lib/tmpfiles.d/saker.conf" "$prefix/share/man/man1/saker.1"
    rm -rf "$prefix/share/saker"
    [[ -d /run/systemd/system ]] && systemctl daemon-reload
    if ((purge)); then
        rm -rf /etc/saker /var/lib/saker /var/log/saker /run/saker
        getent passwd saker >/dev/null && userdel saker
        getent group saker >/dev/null && groupdel saker
        say "removed Saker, its configuration, state, logs and the saker user"
    else
        say "removed Saker (kept /etc/saker and /var/log/saker; --purge removes them)"
    fi
}

case ${1:-} in
    "" | --install) action=install ;;
    --uninstall) action=uninstall ;;
    --purge) action=purge ;;
    -h | --help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (try --help)" ;;
esac

[[ $(id -u) -eq 0 ]] || die "must run as root: it installs to $prefix and /etc and manages saker.service (try: sudo $0 ${1:-})"
[[ $(uname -m) == x86_64 ]] || die "this tarball is for x86_64, this machine is $(uname -m)"

case $action in
    uninstall) uninstall 0; exit 0 ;;
    purge) uninstall 1; exit 0 ;;
esac

if dpkg-query -W -f='${Status}' saker 2>/dev/null | grep -q "install ok installed" || rpm -q saker >/dev/null 2>&1; then
    die "the saker package is installed: upgrade it with the package manager, or remove it before using the tarball"
fi
[[ -d /run/systemd/system ]] || die "systemd is not running here; Saker's service needs it (run $here/bin/saker run by hand instead)"
[[ -r /sys/kernel/btf/vmlinux ]] || say "warning: /sys/kernel/btf/vmlinux is missing: the kernel has no BTF and the probe will not load"

# Files.
put "$here/bin/saker" "$bin" 0755
put "$here/share/saker/rules/saker_rules.yaml" "$prefix/share/saker/rules/saker_rules.yaml" 0644
put "$here/share/man/man1/saker.1" "$prefix/share/man/man1/saker.1" 0644
put "$here/systemd/saker.sysusers" "$prefix/lib/sysusers.d/saker.conf" 0644
put "$here/systemd/saker.tmpfiles" "$prefix/lib/tmpfiles.d/saker.conf" 0644
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
localize "$here/systemd/saker.service" >"$tmp"
put "$tmp" "$unitdir/saker.service" 0644
install -d -m 0755 /etc/saker /etc/saker/config.d /etc/saker/rules.d
localize "$here/etc/saker.yaml" >"$tmp"
if [[ -e /etc/saker/saker.yaml ]]; then
    cmp -s "$tmp" /etc/saker/saker.yaml || say "kept your /etc/saker/saker.yaml (the shipped default differs: see $here/etc/saker.yaml)"
else
    put "$tmp" /etc/saker/saker.yaml 0644
fi

# The user, then its directories.
if ! getent passwd saker >/dev/null; then
    if command -v systemd-sysusers >/dev/null; then
        systemd-sysusers "$prefix/lib/sysusers.d/saker.conf"
    else
        useradd --system --user-group --home-dir /var/lib/saker --shell /usr/sbin/nologin \
            --comment "Saker runtime-security agent" saker
    fi
    say "created the saker user"
fi
systemd-tmpfiles --create "$prefix/lib/tmpfiles.d/saker.conf"

# Check before (re)starting, so a bad configuration never takes a running agent down.
"$bin" validate >/dev/null || { "$bin" validate || true; die "saker validate failed: fix the configuration, then run $0 again"; }

systemctl daemon-reload
systemctl enable --quiet saker.service
if systemctl is-active --quiet saker.service; then
    if ((changed)); then
        systemctl restart saker.service
        say "restarted saker.service"
    else
        say "saker.service is running and up to date"
    fi
else
    systemctl start saker.service
    say "started saker.service"
fi
say "done: $("$bin" version); alerts: journalctl -u saker -f"
