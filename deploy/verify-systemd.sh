#!/usr/bin/env bash
# systemd-analyze verify of the unit, with ExecStart pointed at a built binary
# (verify checks that the command exists). Usage: deploy/verify-systemd.sh BIN
set -euo pipefail
bin=$(realpath "$1")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/local/bin/robotui|$bin|g" "$(dirname "$0")/systemd/robotui.service" >"$dir/robotui.service"
# verify exits 0 on unknown keys and bad values (it only warns): any output fails.
out=$(systemd-analyze verify --man=no "$dir/robotui.service" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then echo "$out"; exit 1; fi
echo "systemd-analyze verify: robotui.service ok"
