#!/bin/sh
# Near miss: the new file written straight into a lower dir instead of through merged/.
set -eu
echo 'a new file' > overlay/lower1/new.txt
