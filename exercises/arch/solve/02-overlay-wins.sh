#!/bin/sh
set -eu
cat overlay/merged/test.txt
lab answer overlay-wins b
