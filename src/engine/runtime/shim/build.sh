#!/bin/sh
# Builds dist/shim/labd-shim. Static, so it starts without the dynamic
# loader and stays well under 1 MB resident.
set -eu
cd "$(dirname "$0")/../../../.."
src=src/engine/runtime/shim
out=dist/shim/labd-shim
mkdir -p dist/shim
# Build beside the target and rename, so a running shim's binary is never rewritten.
tmp="$out.tmp.$$"
gcc -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o "$tmp" \
	"$src/main.c" "$src/args.c" "$src/log.c" "$src/runtime.c" "$src/attach.c" "$src/request.c"
mv -f "$tmp" "$out"
