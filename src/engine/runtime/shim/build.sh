#!/bin/sh
# Builds dist/shim/labd-shim (holds a container's process), dist/shim/labd-proxy (the
# data path of a published TCP port), dist/shim/labd-mount (mounts containers'
# roots), dist/shim/labd-dns (the embedded DNS server's end in a container) and dist/shim/labd-cp (docker cp inside a container's root). Static, so they start without the dynamic loader and stay well under 1 MB
# resident.
set -eu
cd "$(dirname "$0")/../../../.."
src=src/engine/runtime/shim
mkdir -p dist/shim
# Build beside the target and rename, so a running binary is never rewritten.
build() {
	out=$1
	shift
	tmp="$out.tmp.$$"
	gcc -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o "$tmp" "$@"
	mv -f "$tmp" "$out"
}
build dist/shim/labd-shim \
	"$src/main.c" "$src/args.c" "$src/log.c" "$src/runtime.c" "$src/attach.c" "$src/spec.c" "$src/request.c"
build dist/shim/labd-proxy src/engine/network/relay/labd-proxy.c
build dist/shim/labd-dns src/engine/network/relay/labd-dns.c
build dist/shim/labd-mount src/engine/runtime/mounter/labd-mount.c
build dist/shim/labd-cp src/engine/runtime/copier/labd-cp.c
