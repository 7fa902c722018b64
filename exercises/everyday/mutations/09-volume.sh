#!/bin/sh
# Near miss: a named volume at /code (-v code:/code), filled from the host file, not the host folder itself.
set -eu
sed -i "s/^echo .*/echo \"hello from ${LAB_PARAM_TOKEN:?}\"/" code/app.sh
docker run --rm -i -v everyday-code:/code alpine sh -c 'cat > /code/app.sh' < code/app.sh
docker run --name coder-volume -v everyday-code:/code alpine sh /code/app.sh
