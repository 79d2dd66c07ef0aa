#pragma once
// Baselines (docs/baseline.md): `--write-baseline FILE` records the current findings,
// `--baseline FILE` (or the `baseline` key) reports only findings not in it.
//
// A finding's identity survives unrelated edits: it is keyed by its file (relative to the
// project root), its code, and a fingerprint of the flagged line's whitespace-normalised text
// together with its context, the names of the enclosing definitions (`Model.forward`; C++:
// namespaces, classes and the function) — not by its line number. Identical keys are counted:
// with 2 recorded and 3 found, the last one (in source order) is reported as new.
//
// The file is JSON lines, one object per key, sorted, keys in a fixed order: stable and
// diff-friendly, so teams commit it.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "linter/output/emitter.h"
#include "linter/run/diagnostic.h"

namespace torchlint {

struct BaselineKey {
  std::string path;         // relative to the project root, '/' separators (absolute when outside it)
  std::string code;
  std::string fingerprint;  // 16 hex digits
  friend auto operator<=>(const BaselineKey&, const BaselineKey&) = default;
};

struct BaselineEntry {
  BaselineKey key;
  std::size_t count = 0;
  std::string scope;  // informative: enclosing definitions
  std::string text;   // informative: the normalised line (shortened)
};

// The key of each diagnostic of `report` (same order), with scope and text filled in.
std::vector<BaselineEntry> baseline_entries(const RunReport& report);

// Serialises the entries (merging identical keys, counting) as sorted JSON lines.
std::string format_baseline(const std::vector<BaselineEntry>& entries);

// Parses a baseline file's text; nullopt with `error` on a malformed line.
std::optional<std::map<BaselineKey, std::size_t>> parse_baseline(std::string_view text, std::string& error);

struct BaselineFilter {
  std::size_t matched = 0;  // findings dropped because the baseline has them
  std::size_t stale = 0;    // baseline entries (counted) that matched nothing
};

// Drops from `report.diagnostics` the findings the baseline holds.
BaselineFilter apply_baseline(RunReport& report, const std::map<BaselineKey, std::size_t>& baseline);

// Whitespace-normalised text: runs of blanks collapsed to one space, trimmed, CR and a BOM dropped.
std::string normalize_whitespace(std::string_view line);

}  // namespace torchlint
