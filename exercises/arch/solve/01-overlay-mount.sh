#!/bin/sh
set -eu
cd overlay
mkdir -p upper work merged
mount -t overlay overlay -o lowerdir=lower1:lower2:lower3,upperdir=upper,workdir=work merged
ls merged
