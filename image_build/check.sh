#!/bin/bash
# check.sh [--full] [--out DIR]: build (check profile) and inspect the image; with --full inspect the full
# image (built first when it is missing). This is `make image-check` / `make image-check FULL=1`.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
OUT=$REPO/out/image
FULL=0
while [ $# -gt 0 ]; do
    case "$1" in
        --full) FULL=1; shift ;;
        --out) OUT=$2; shift 2 ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done
OUT=$(realpath -m "$OUT")  # steps cd into work folders: a relative --out would break them
PY=$REPO/.venv/bin/python
[ -x "$PY" ] || PY=python3
START=$(date +%s)
"$HERE/host-setup.sh"
if [ "$FULL" = 1 ]; then
    [ -f "$OUT/pietura-full.img" ] || "$HERE/build.sh" --profile full --out "$OUT"
    "$PY" "$HERE/inspect_image.py" --full "$OUT/pietura-full.img"
else
    "$HERE/build.sh" --profile check --out "$OUT"
    "$PY" "$HERE/inspect_image.py" "$OUT/pietura-check.img"
fi
echo "image check finished in $(( $(date +%s) - START )) s"
