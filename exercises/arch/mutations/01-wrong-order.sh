#!/bin/sh
# Near miss: the layers in the reverse order (lower3 on top).
set -eu
cd overlay
mkdir -p upper work merged
mount -t overlay overlay -o lowerdir=lower3:lower2:lower1,upperdir=upper,workdir=work merged
