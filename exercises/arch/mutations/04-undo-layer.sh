#!/bin/sh
top=$(docker image inspect -f '{{.GraphDriver.Data.UpperDir}}' "walk:${LAB_PARAM_TOKEN:?}")
rm -f "$top/walk.txt"
rm -rf image/upper
