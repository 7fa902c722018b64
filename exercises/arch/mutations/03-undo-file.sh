#!/bin/sh
rm -f overlay/lower1/new.txt
