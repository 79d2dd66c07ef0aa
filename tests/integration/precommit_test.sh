#!/usr/bin/env bash
# The pre-commit hooks with Debian's real `pre-commit`: `pre-commit try-repo` on a
# snapshot of this repository, in a temporary git repository holding a file with a
# finding and a clean one. The hook must fail on the first, print the finding, and pass
# on the second.
#
# Usage: precommit_test.sh HOOK_ID TORCHLINT_BINARY WORK_DIR
#   HOOK_ID torchlint        runs the installed binary (the build's, put on PATH)
#   HOOK_ID torchlint-build  builds torchlint from the snapshot on first use (cached under
#                            WORK_DIR/hook-cache) with no torchlint on PATH
set -euo pipefail
hook="${1:?hook id}"
binary="$(cd "$(dirname "${2:?torchlint binary}")" && pwd)/$(basename "$2")"
work="${3:?work dir}"
source_root="$(cd "$(dirname "$0")/../.." && pwd)"
command -v pre-commit >/dev/null || { echo "pre-commit is not installed (scripts/install-deps.sh)" >&2; exit 1; }

mkdir -p "$work"
work="$(cd "$work" && pwd)"
export PRE_COMMIT_HOME="$work/pre-commit-home"
export GIT_AUTHOR_NAME=torchlint GIT_AUTHOR_EMAIL=test@torchlint.dev
export GIT_COMMITTER_NAME=torchlint GIT_COMMITTER_EMAIL=test@torchlint.dev
# Fixed dates: the same sources give the same snapshot commit, so the build hook's
# cache (keyed by commit) is reused between runs of this test.
export GIT_AUTHOR_DATE="2024-01-01T00:00:00Z" GIT_COMMITTER_DATE="2024-01-01T00:00:00Z"

# 1. The hook repository: what is in this checkout now (tracked and new files, not ignored
#    ones), committed, because try-repo sees committed and staged content only.
snapshot="$work/hook-repo-$hook"
rm -rf "$snapshot"
mkdir -p "$snapshot"
(cd "$source_root" && git ls-files -co --exclude-standard -z |
  while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf -) | tar -xf - -C "$snapshot"
git -C "$snapshot" init -q
git -C "$snapshot" add -A
git -C "$snapshot" commit -q -m snapshot

# 2. A user's repository.
user="$work/user-repo-$hook"
rm -rf "$user"
mkdir -p "$user"
cd "$user"
git init -q
printf 'import torch\n\nweights = torch.zeros(3)\n' >bad.py
printf 'import torch\n\nweights = torch.zeros(3, dtype=torch.float32)\n' >clean.py
printf '# notes\n' >README.md
git add -A
git commit -q -m files

path="$PATH"
if [ "$hook" = torchlint ]; then
  path="$(dirname "$binary"):$PATH"
else
  export TORCHLINT_HOOK_CACHE="$work/hook-cache"
  # Prove the hook uses what it built: no torchlint anywhere on PATH.
  if PATH="$path" command -v torchlint >/dev/null; then
    echo "a torchlint is on PATH ($(command -v torchlint)); cannot test the build hook" >&2
    exit 1
  fi
fi

fail() { echo "FAIL: $*" >&2; exit 1; }

echo "--- try-repo $hook on bad.py (expect failure with the finding)"
set +e
out="$(PATH="$path" pre-commit try-repo "$snapshot" "$hook" --files bad.py 2>&1)"
status=$?
set -e
echo "$out"
[ "$status" -eq 1 ] || fail "exit status $status on bad.py, expected 1"
grep -q "bad.py:3:17: TL201" <<<"$out" || fail "the finding is not printed"
grep -Eq "^torchlint.*Failed" <<<"$out" || fail "the hook is not reported as failed"

echo "--- try-repo $hook on clean.py and README.md (expect success)"
set +e
out="$(PATH="$path" pre-commit try-repo "$snapshot" "$hook" --files clean.py README.md 2>&1)"
status=$?
set -e
echo "$out"
[ "$status" -eq 0 ] || fail "exit status $status on clean.py, expected 0"
grep -Eq "^torchlint.*Passed" <<<"$out" || fail "the hook is not reported as passed"

if [ "$hook" = torchlint-build ]; then
  commit="$(git -C "$snapshot" rev-parse HEAD)"
  [ -x "$TORCHLINT_HOOK_CACHE/$commit/bin/torchlint" ] || fail "no cached binary under $TORCHLINT_HOOK_CACHE/$commit"
  grep -q "building from" <<<"$out" && fail "the second run built again instead of using the cache"
  # cmake --install put the docs beside the binary.
  [ -f "$TORCHLINT_HOOK_CACHE/$commit/share/doc/torchlint/integrations.md" ] || fail "docs were not installed"
fi
echo "PASS: pre-commit hook $hook"
