#pragma once
// Lints one file: read, parse, build the semantic model, one walk dispatching to the
// selected rules, suppressions. Everything a single worker does for a file.
#include <tree_sitter/api.h>

#include <filesystem>
#include <string>
#include <vector>

#include "linter/config/settings.h"
#include "linter/run/diagnostic.h"
#include "linter/run/rule_set.h"
#include "linter/run/suppressions.h"
#include "linter/semantic/project_facts.h"
#include "linter/source/source_file.h"

namespace torchlint {

// What a file contributes to the project-level rules (TL9), filled on request.
struct ProjectExtras {
  bool is_test_file = false;     // in: the file is a test file (catalog TL9)
  FileFacts facts;               // out: losses (non-test files) or tests (test files)
  SuppressionSet suppressions;   // out: for project diagnostics reported in this file later
};

// Lints text already in memory (stdin, the LSP server, notebooks, tests).
std::vector<Diagnostic> lint_source(const SourceFile& file, const Settings& settings, const RuleSet& rules,
                                    ProjectExtras* extras = nullptr);
// The same on a tree already parsed from `file.text()` (the LSP server keeps each
// document's tree and reparses incrementally); `tree` must not be null.
std::vector<Diagnostic> lint_source(const SourceFile& file, const Settings& settings, const RuleSet& rules,
                                    const TSTree* tree, ProjectExtras* extras = nullptr);

// Reads `path` from disk and lints it; unreadable or non-text files give TL001.
// `display_path` is what diagnostics carry.
std::vector<Diagnostic> lint_path(const std::filesystem::path& path, const std::string& display_path,
                                  const Settings& settings, const RuleSet& rules, ProjectExtras* extras = nullptr);

// Drops what per-file-ignores and suppression comments suppress, sorts, and keeps one
// diagnostic per rule per site.
std::vector<Diagnostic> filter_file_diagnostics(std::vector<Diagnostic> diagnostics, const SuppressionSet& suppressions,
                                                const std::string& path, const Settings& settings);

// A diagnostic of a meta rule (TL001/TL002) at a fixed position.
Diagnostic meta_diagnostic(std::string_view code, const std::string& path, std::string message, Range range = {});

// Reads a whole file; false with `error` set on failure.
bool read_file(const std::filesystem::path& path, std::string& content, std::string& error);

}  // namespace torchlint
