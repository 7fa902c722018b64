#!/bin/sh
# Near miss: a postgres container that failed, but for another reason (its command was false).
docker run --name fails postgres false
exit 0
