#!/bin/sh
set -eu
gcc -o hello_not_static hello.c
./hello_not_static 123
