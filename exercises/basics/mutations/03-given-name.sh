#!/bin/sh
# Near miss: box, the name given with --name, not one the engine made up.
set -eu
lab answer auto-name box
