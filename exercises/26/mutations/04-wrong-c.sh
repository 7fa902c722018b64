#!/bin/sh
lab answer compile-in-scratch c
