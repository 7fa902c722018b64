#!/bin/sh
# Near miss: the program said to have given up by itself.
lab answer oom d
