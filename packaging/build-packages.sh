#!/usr/bin/env bash
# `make packages`: the .deb, the .rpm and the tarball of one release binary, in dist/.
# Usage: packaging/build-packages.sh SAKER_BINARY OUTDIR [VERSION]
# VERSION defaults to the binary's own (`saker version`); a higher one builds an upgrade
# package for the system tests. Also checks the binary still loads on RHEL 9's glibc and
# runs lintian and rpmlint (each finding that stays is overridden with its reason).
set -euo pipefail
bin=$1 out=$2
version=${3:-$("$bin" version | awk '{print $2}')}
repo=$(cd "$(dirname "$0")/.." && pwd)
pkg=$repo/packaging
[[ $version =~ ^[0-9][0-9A-Za-z.+~]*$ ]] || { echo "error: '$version' is not a package version" >&2; exit 1; }

echo "== saker $version from $bin"
"$pkg/check-glibc.sh" "$bin"

mkdir -p "$out"
man=$out/saker.1
python3 "$pkg/gen-manpage.py" "$bin" "$version" >"$man"

# The three builds are independent; the .deb is the slowest (strip + xz).
"$pkg/build-deb.sh" "$bin" "$man" "$version" "$out" &
deb_pid=$!
"$pkg/build-rpm.sh" "$bin" "$man" "$version" "$out"
"$pkg/build-tarball.sh" "$bin" "$man" "$version" "$out"
wait "$deb_pid"

deb=$out/saker_${version}_amd64.deb
rpm=$out/saker-${version//-/_}-1.x86_64.rpm
tarball=$out/saker-$version-linux-x86_64.tar.gz
echo "== lintian"
# lintian as root says so on stderr; the verdict is the exit status.
lintian --fail-on error,warning "$deb" 2> >(grep -v "running with root privileges" >&2)
echo "== rpmlint"
rpmlint -c "$pkg/rpm/rpmlint.toml" -r "$pkg/rpm/saker.rpmlintrc" "$rpm" | tail -1
# (Tests/system/30-rpm.sh checks the glibc symbols of the binary inside the .rpm.)
echo "== built"
ls -l "$deb" "$rpm" "$tarball"
