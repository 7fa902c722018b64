#!/bin/sh
# The walk of the lecture, step by step, with nothing but the shell: repositories.json → imagedb → layerdb → overlay2.
set -eu
data=${LAB_PARAM_DATA_ROOT:?}
db=$data/image/overlay2
tag=walk:${LAB_PARAM_TOKEN:?}
id=$(grep -o "\"$tag\":\"sha256:[0-9a-f]*\"" "$db/repositories.json" | sed 's/.*sha256:\([0-9a-f]*\)"/\1/')
diffs=$(grep -o '"diff_ids":\[[^]]*\]' "$db/imagedb/content/sha256/$id" | sed 's/.*\[//; s/\]//; s/"//g; s/,/ /g')
lower='' ids='' parent=''
for diff in $diffs; do
  # The layer with this diff on top of the previous one: its chain ID names its layerdb dir.
  for dir in "$db"/layerdb/sha256/*; do
    [ "$(cat "$dir/diff")" = "$diff" ] || continue
    [ "$(cat "$dir/parent" 2>/dev/null || true)" = "$parent" ] || continue
    parent=sha256:$(basename "$dir")
    cache=$(cat "$dir/cache-id")
    break
  done
  lower=$data/overlay2/$cache/diff${lower:+:$lower}
  ids="$ids $cache"
done
mkdir -p image/upper image/work image/merged
mount -t overlay overlay -o "lowerdir=$lower,upperdir=$PWD/image/upper,workdir=$PWD/image/work" image/merged
cat image/merged/walk/motd.txt
echo mine > image/merged/walk.txt
for d in $(echo "$lower" | tr ':' ' '); do ls "$d"; done
lab answer cache-ids $ids
