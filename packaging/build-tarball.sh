#!/usr/bin/env bash
# Builds dist/saker-VERSION-linux-x86_64.tar.gz: the binary, unit, sysusers/tmpfiles files,
# default configuration and rules, man page, docs and install.sh.
# Usage: packaging/build-tarball.sh SAKER_BINARY MANPAGE VERSION OUTDIR
set -euo pipefail
bin=$1 man=$2 version=$3 out=$4
repo=$(cd "$(dirname "$0")/.." && pwd)
name=saker-$version-linux-x86_64
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
d=$work/$name

install -D -m 0755 "$bin" "$d/bin/saker"
strip --strip-unneeded "$d/bin/saker"
install -D -m 0644 "$man" "$d/share/man/man1/saker.1"
install -D -m 0644 "$repo/Sources/SakerDefaultRules/saker_rules.yaml" "$d/share/saker/rules/saker_rules.yaml"
install -D -m 0644 "$repo/packaging/saker.yaml" "$d/etc/saker.yaml"
for f in saker.service saker.sysusers saker.tmpfiles; do
    install -D -m 0644 "$repo/systemd/$f" "$d/systemd/$f"
done
while read -r doc; do
    install -D -m 0644 "$repo/docs/$doc" "$d/doc/$doc"
done <"$repo/packaging/docs.list"
install -m 0755 "$repo/packaging/tarball/install.sh" "$d/install.sh"

mkdir -p "$out"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@${SOURCE_DATE_EPOCH:-$(date +%s)}" \
    -C "$work" -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
