#!/bin/sh
set -eu
cd overlay
echo 'a new file' > merged/new.txt
echo 'changed through merged' >> merged/base.txt
rm merged/old.txt
ls -l upper lower3 lower2
