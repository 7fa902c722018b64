#!/bin/sh
# Run once in the VM image's root as it is built (lab.json imageBuild, cwd this dir): mywc's package made ahead
# from the same sources, so that lab start in a VM copies it instead of compiling under emulation.
set -eu
mkdir -p files/mywc/prebuilt
sh files/mywc/build-deb.sh files/mywc/prebuilt
sha256sum files/mywc/mywc.c files/mywc/control files/mywc/build-deb.sh > files/mywc/prebuilt/sources.sha256
