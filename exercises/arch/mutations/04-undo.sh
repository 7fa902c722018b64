#!/bin/sh
umount image/merged 2>/dev/null || true
rm -rf image/upper image/work
