#!/usr/bin/env bash
# End-to-end LSP test with a real editor: headless Neovim's built-in client attached to
# `torchlint server`. Usage: nvim_e2e.sh TORCHLINT_BINARY DOCS_BASE_URL
# Compares what Neovim saw (vim.diagnostic.get, applied quick fixes) with
# nvim_e2e.expected exactly; fails on any difference, on a timeout, or without nvim.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
torchlint="$1"
docs_base_url="$2"
if ! command -v nvim >/dev/null; then
  echo "nvim_e2e: nvim not found (scripts/install-deps.sh installs Debian's neovim)" >&2
  exit 1
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A private copy: the workspace root (project root) is the copy, and Neovim's state stays out of $HOME.
cp -r "$here/workspace" "$work/ws"
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_STATE_HOME="$work/state" XDG_CACHE_HOME="$work/cache"
status=0
TORCHLINT="$torchlint" FIXTURE="$work/ws/model.py" OUT="$work/actual.txt" \
  timeout 120 nvim --headless --clean -n -i NONE -c "luafile $here/nvim_e2e.lua" </dev/null >"$work/nvim.log" 2>&1 ||
  status=$?
sed "s|@DOCS_BASE_URL@|$docs_base_url|g" "$here/nvim_e2e.expected" >"$work/expected.txt"
if [ ! -f "$work/actual.txt" ]; then
  echo "nvim_e2e: Neovim wrote no result (exit status $status)" >&2
  cat "$work/nvim.log" >&2
  exit 1
fi
if ! diff -u "$work/expected.txt" "$work/actual.txt"; then
  echo "nvim_e2e: what Neovim saw differs from nvim_e2e.expected (nvim exit status $status)" >&2
  cat "$work/nvim.log" >&2
  exit 1
fi
if [ "$status" != 0 ]; then
  echo "nvim_e2e: nvim exited with status $status" >&2
  exit 1
fi
echo "nvim_e2e: ok ($(nvim --version | head -1))"
