#!/usr/bin/env bash
# --add-noqa on a copy of the installed torch tree (issue 12): afterwards a check reports zero
# findings (TL003 included: every added suppression is used), so a second --add-noqa has
# nothing to change, and every file's AST (/usr/bin/python3's `ast`, comments aside) is unchanged.
#
# usage: add_noqa_torch_test.sh TORCHLINT [TORCH_DIR]
set -euo pipefail

torchlint=$1
torch_dir=${2:-/usr/lib/python3/dist-packages/torch}
python=/usr/bin/python3

if [[ ! -d $torch_dir || ! -x $python ]]; then
  echo "skipped: $torch_dir or $python is missing"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The Python sources only (the tree also holds large shared libraries).
(cd "$(dirname "$torch_dir")" && find "$(basename "$torch_dir")" \( -name '*.py' -o -name '*.pyi' \) -print0 |
  xargs -0 cp --parents -p -t "$work")
cd "$work"
tree=$(basename "$torch_dir")

"$torchlint" check --no-cache --add-noqa "$tree" 2> add-noqa.log || {
  cat add-noqa.log
  echo "FAIL: --add-noqa exited non-zero"
  exit 1
}
tail -1 add-noqa.log

if ! "$torchlint" check --no-cache --extend-select TL003 --output-format concise "$tree" > check.log 2>&1; then
  tail -20 check.log
  echo "FAIL: findings remain after --add-noqa"
  exit 1
fi
tail -1 check.log

# No findings left means a second --add-noqa has nothing to do: it only edits lines with
# findings (tests/add_noqa_test.cpp checks that a second run leaves the bytes alone).

"$python" - "$torch_dir" "$tree" <<'EOF'
import ast, os, sys

original_root, copy_root = sys.argv[1], sys.argv[2]
changed = differ = 0
for directory, _, files in os.walk(copy_root):
    for name in files:
        copy = os.path.join(directory, name)
        original = os.path.join(original_root, os.path.relpath(copy, copy_root))
        with open(original, "rb") as f:
            before = f.read()
        with open(copy, "rb") as f:
            after = f.read()
        if before == after:
            continue
        changed += 1
        if ast.dump(ast.parse(before)) != ast.dump(ast.parse(after)):
            differ += 1
            print("AST changed:", copy)
print(f"{changed} files changed, {differ} with a different AST")
sys.exit(1 if differ else 0)
EOF
echo "PASS"
