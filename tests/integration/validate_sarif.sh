#!/usr/bin/env bash
# Validates SARIF files with zero tolerance: against the official SARIF 2.1.0 JSON
# schema (python3-jsonschema) and with the SARIF multitool's `validate`, GitHub's
# ingestion rules included (--rule-kind "Sarif;Gh"). The multitool exits 0 even when it
# finds errors, so its own SARIF output is read and every error-level result counts.
# Exit 0 only when both find no error.
#
# Usage: validate_sarif.sh TOOLS_CACHE_DIR WORK_DIR FILE.sarif...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tools="${1:?tools cache dir}"
work="${2:?work dir}"
shift 2
[ "$#" -gt 0 ] || { echo "validate_sarif.sh: no SARIF files given" >&2; exit 2; }

package="$("$root/scripts/fetch-sarif-multitool.sh" "$tools")"
mkdir -p "$work"
report="$work/multitool-validation.sarif"
rm -f "$report"
# The multitool skips inputs over 10 MB unless told otherwise; the torch tree's log is ~50 MB.
# DOTNET_CLI_TELEMETRY_OPTOUT: no telemetry from the .NET runtime.
DOTNET_CLI_TELEMETRY_OPTOUT=1 "$package/Sarif.Multitool" validate --rule-kind "Sarif;Gh" \
  --max-file-size-in-kb 2000000 --output "$report" "$@" >"$work/multitool.log" 2>&1 || {
  cat "$work/multitool.log" >&2
  echo "validate_sarif.sh: the multitool failed to run" >&2
  exit 1
}
exec /usr/bin/python3 "$here/check_sarif.py" --schema "$package/sarif-2.1.0.json" --multitool-report "$report" \
  --multitool-log "$work/multitool.log" "$@"
