#!/bin/sh
# Builds mywc_1.0_amd64.deb from mywc.c: the package the lab's Dockerfile installs with dpkg -i.
set -eu
src=$(cd "$(dirname "$0")" && pwd)
out=${1:-.}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/DEBIAN" "$root/usr/bin"
cp "$src/control" "$root/DEBIAN/control"
gcc -O2 -o "$root/usr/bin/mywc" "$src/mywc.c"
dpkg-deb --root-owner-group --build "$root" "$out/mywc_1.0_amd64.deb" >/dev/null
