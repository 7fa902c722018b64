#!/bin/sh
# Near miss: a copy of the folder edited and mounted; the lab's code folder is untouched.
set -eu
rm -rf code-copy && cp -r code code-copy
sed -i "s/^echo .*/echo \"hello from ${LAB_PARAM_TOKEN:?}\"/" code-copy/app.sh
docker run --name coder-elsewhere -v "$PWD/code-copy:/code" alpine sh /code/app.sh
