#!/bin/sh
# Near miss: lowerdir read as if its last dir were on top.
set -eu
lab answer overlay-wins c
