#!/bin/sh
# Near miss: the file copied out with docker cp; the right code, but no program ran inside vault.
set -eu
lab answer exec-code "$(docker cp vault:/root/secret.txt - | tar -xO)"
