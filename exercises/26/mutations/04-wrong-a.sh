#!/bin/sh
lab answer compile-in-scratch a
