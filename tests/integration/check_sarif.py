"""Checks SARIF logs: schema validation, then the errors the SARIF multitool reported.

Run by validate_sarif.sh with Debian's /usr/bin/python3 (python3-jsonschema).
Exit status 0 when no schema error and no error-level multitool result exist.
"""
import argparse
import json
import re
import sys

import jsonschema


def schema_errors(schema, path):
    with open(path, encoding="utf-8") as stream:
        log = json.load(stream)
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{path}: schema: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


def multitool_errors(report_path, log_path, inputs):
    """Error-level results and notifications in the multitool's own SARIF report."""
    with open(report_path, encoding="utf-8") as stream:
        report = json.load(stream)
    errors = []
    # A file the multitool skipped (too large, unreadable) was not validated at all.
    with open(log_path, encoding="utf-8", errors="replace") as stream:
        scanned = re.search(r"Done\. (\d+) files? scanned", stream.read())
    if not scanned or int(scanned.group(1)) != len(inputs):
        errors.append(f"the multitool did not analyse all {len(inputs)} file(s); see {log_path}")
    for run in report.get("runs", []):
        rules = {rule.get("id"): rule for rule in run.get("tool", {}).get("driver", {}).get("rules", [])}
        for invocation in run.get("invocations", []):
            if not invocation.get("executionSuccessful", False):
                errors.append(f"{report_path}: the multitool's run was not successful")
            for key in ("toolExecutionNotifications", "toolConfigurationNotifications"):
                for note in invocation.get(key, []):
                    if note.get("level", "warning") == "error":
                        errors.append(f"multitool notification: {note.get('message', {}).get('text')}")
        for result in run.get("results", []):
            rule = rules.get(result.get("ruleId"), {})
            level = result.get("level") or rule.get("defaultConfiguration", {}).get("level", "warning")
            if level == "error":
                where = result.get("locations", [{}])[0].get("physicalLocation", {})
                uri = where.get("artifactLocation", {}).get("uri", "?")
                errors.append(f"{uri}: {result.get('ruleId')} {rule.get('name', '')}: "
                              f"{result.get('message', {}).get('arguments') or result.get('message')}")
    return errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schema", required=True)
    parser.add_argument("--multitool-report", required=True)
    parser.add_argument("--multitool-log", required=True)
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    with open(args.schema, encoding="utf-8") as stream:
        schema = json.load(stream)
    errors = []
    for path in args.files:
        errors += schema_errors(schema, path)
    errors += multitool_errors(args.multitool_report, args.multitool_log, args.files)
    for error in errors:
        print(error)
    print(f"check_sarif: {len(args.files)} file(s), {len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
