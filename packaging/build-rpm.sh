#!/usr/bin/env bash
# Builds dist/saker-VERSION-1.x86_64.rpm from a prebuilt release binary with rpmbuild -bb.
# Usage: packaging/build-rpm.sh SAKER_BINARY MANPAGE VERSION OUTDIR
# packaging/rpm/macros.systemd stands in for systemd-rpm-macros, which Debian's rpm lacks.
set -euo pipefail
bin=$1 man=$2 version=$3 out=$4
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/SOURCES
mkdir -p "$src"
cp "$bin" "$src/saker"
cp "$man" "$src/saker.1"
cp "$repo/packaging/saker.yaml" "$repo/Sources/SakerDefaultRules/saker_rules.yaml" "$src/"
cp "$repo/systemd/saker.service" "$repo/systemd/saker.sysusers" "$repo/systemd/saker.tmpfiles" "$src/"
cp "$repo/packaging/rpm/90-saker.preset" "$src/"
cp "$repo/packaging/debian/copyright" "$src/copyright"
mapfile -t docs <"$repo/packaging/docs.list"
tar -cf "$src/docs.tar" -C "$repo/docs" "${docs[@]}"

rpmbuild -bb --quiet \
    --load "$repo/packaging/rpm/macros.systemd" \
    --define "_topdir $work" --define "_sourcedir $src" \
    --define "saker_version ${version//-/_}" \
    --define "_build_id_links none" \
    "$repo/packaging/rpm/saker.spec" >"$work/build.log" 2>&1 \
    || { tail -40 "$work/build.log" >&2; echo "error: rpmbuild failed" >&2; exit 1; }
mkdir -p "$out"
rpm=$(find "$work/RPMS" -name 'saker-*.rpm')
mv "$rpm" "$out/"
echo "$out/$(basename "$rpm")"
