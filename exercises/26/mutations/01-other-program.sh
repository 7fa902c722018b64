#!/bin/sh
# Near miss: some other program, not the lab's hello.c.
set -eu
printf 'int main(void){return 0;}\n' > other.c
gcc -o hello_not_static other.c
