#!/usr/bin/env bash
# Quick start 1: builds torchlint and checks the bundled example project, which has
# real findings (so this exits 1 by design of the linter; the script reports it).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/build.sh" || exit 2
cd "$root/fixtures/projects/example" || exit 2
"$root/build/torchlint" check .
status=$?
echo "torchlint exited with status $status (0 clean, 1 findings, 2 error)"
[ "$status" -le 1 ]
