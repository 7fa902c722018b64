#!/bin/sh
# Near miss: the image's layer dirs in diff_ids order (bottom first) as lowerdir.
set -eu
dirs=$(docker image inspect -f '{{.GraphDriver.Data.UpperDir}}:{{.GraphDriver.Data.LowerDir}}' "walk:${LAB_PARAM_TOKEN:?}")
bottom_up=$(echo "$dirs" | tr ':' '\n' | tac | paste -sd:)
mkdir -p image/upper image/work image/merged
mount -t overlay overlay -o "lowerdir=$bottom_up,upperdir=$PWD/image/upper,workdir=$PWD/image/work" image/merged
