#!/bin/sh
# Near miss: linked statically already, so there is nothing dynamic to learn from.
set -eu
gcc -static -o hello_not_static hello.c
