#!/bin/sh
# Near miss: base.txt changed in lower3 itself, not through merged/.
set -eu
echo 'changed in the lower dir' >> overlay/lower3/base.txt
