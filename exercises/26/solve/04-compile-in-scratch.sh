#!/bin/sh
set -eu
lab answer compile-in-scratch b
