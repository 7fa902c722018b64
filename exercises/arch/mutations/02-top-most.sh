#!/bin/sh
# Near miss: the top-most lower dir, though it has no test.txt.
set -eu
lab answer overlay-wins a
