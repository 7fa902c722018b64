#!/bin/sh
# Near miss: the variable's name instead of its value.
set -eu
lab answer inspect-code BADGE
