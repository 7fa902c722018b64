#!/bin/sh
# Near miss: only lower dirs, so a read-only overlay that nothing can be created in.
set -eu
cd overlay
mkdir -p merged
mount -t overlay overlay -o lowerdir=lower1:lower2:lower3 merged
