#!/bin/sh
# Near miss: a neighbour's code (every session has its own).
set -eu
lab answer logs-code 0badc0de
