#!/bin/sh
# Run in the lab's work dir at `lab start`: hands the student mywc's source and its built package.
set -eu
mkdir -p mywc
cp "$LAB_EXERCISE_DIR/files/mywc/mywc.c" "$LAB_EXERCISE_DIR/files/mywc/control" "$LAB_EXERCISE_DIR/files/mywc/build-deb.sh" mywc/
# In a lab VM the package was built with the image (prebuild-mywc.sh) from these very sources: copied, not compiled
# again under emulation. Anywhere else, or when the sources differ, it is built here.
prebuilt="$LAB_EXERCISE_DIR/files/mywc/prebuilt"
if [ -f "$prebuilt/mywc_1.0_amd64.deb" ] && (cd "$LAB_EXERCISE_DIR" && sha256sum --status -c "$prebuilt/sources.sha256"); then
  cp "$prebuilt/mywc_1.0_amd64.deb" .
else
  sh mywc/build-deb.sh .
fi
