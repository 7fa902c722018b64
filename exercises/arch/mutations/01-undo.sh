#!/bin/sh
cd overlay || exit 0
umount merged 2>/dev/null || true
rm -rf upper work
