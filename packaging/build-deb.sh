#!/usr/bin/env bash
# Builds dist/saker_VERSION_amd64.deb from a prebuilt release binary with debhelper (dh, compat 13).
# Usage: [SAKER_DEB_COMPRESS="-Zgzip -z1"] packaging/build-deb.sh SAKER_BINARY MANPAGE VERSION OUTDIR
# Nothing is compiled: debian/rules copies the binary from prebuilt/ (see packaging/debian/rules).
set -euo pipefail
bin=$1 man=$2 version=$3 out=$4
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$work/saker-$version

mkdir -p "$src/prebuilt/docs"
cp -a "$repo/packaging/debian" "$src/debian"
# One source for the unit, sysusers and tmpfiles files: systemd/.
cp "$repo/systemd/saker.service" "$src/debian/saker.service"
cp "$repo/systemd/saker.sysusers" "$src/debian/saker.sysusers"
cp "$repo/systemd/saker.tmpfiles" "$src/debian/saker.tmpfiles"
cat >"$src/debian/changelog" <<CHANGELOG
saker ($version) unstable; urgency=medium

  * Release $version.

 -- Saker maintainers <saker@saker.invalid>  $(date -R -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}")
CHANGELOG
cp "$bin" "$src/prebuilt/saker"
cp "$man" "$src/prebuilt/saker.1"
cp "$repo/packaging/saker.yaml" "$src/prebuilt/saker.yaml"
cp "$repo/Sources/SakerDefaultRules/saker_rules.yaml" "$src/prebuilt/saker_rules.yaml"
# The docs every package ships: packaging/docs.list.
while read -r doc; do
    cp "$repo/docs/$doc" "$src/prebuilt/docs/"
    echo "prebuilt/docs/$doc"
done <"$repo/packaging/docs.list" >"$src/debian/saker.docs"

(cd "$src" && dpkg-buildpackage -b -us -uc --no-sign >"$work/build.log" 2>&1) \
    || { tail -40 "$work/build.log" >&2; echo "error: dpkg-buildpackage failed" >&2; exit 1; }
mkdir -p "$out"
mv "$work/saker_${version}_amd64.deb" "$out/"
echo "$out/saker_${version}_amd64.deb"
