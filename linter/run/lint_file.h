#pragma once
// Lints one file: read, parse, build the semantic model, one walk dispatching to the
// selected rules, suppressions. Everything a single worker does for a file.
#include <filesystem>
#include <string>
#include <vector>

#include "linter/config/settings.h"
#include "linter/run/diagnostic.h"
#include "linter/run/rule_set.h"
#include "linter/source/source_file.h"

namespace torchlint {

// Lints text already in memory (stdin, the LSP server, notebooks, tests).
std::vector<Diagnostic> lint_source(const SourceFile& file, const Settings& settings, const RuleSet& rules);

// Reads `path` from disk and lints it; unreadable or non-text files give TL001.
// `display_path` is what diagnostics carry.
std::vector<Diagnostic> lint_path(const std::filesystem::path& path, const std::string& display_path,
                                  const Settings& settings, const RuleSet& rules);

// A diagnostic of a meta rule (TL001/TL002) at a fixed position.
Diagnostic meta_diagnostic(std::string_view code, const std::string& path, std::string message, Range range = {});

// Reads a whole file; false with `error` set on failure.
bool read_file(const std::filesystem::path& path, std::string& content, std::string& error);

}  // namespace torchlint
