#!/bin/sh
rm -f hello_not_static other.c
