#pragma once
// The project index for TL9: the losses of the files being checked and the tests of
// every test file under the project root, joined after the parallel per-file stage.
#include <memory>
#include <string>
#include <vector>

#include "linter/config/config_loader.h"
#include "linter/run/diagnostic.h"
#include "linter/run/lint_file.h"

namespace torchlint {

// A checked file's contribution: its losses, suppressions and governing settings.
struct CheckedFileFacts {
  std::string display_path;
  std::shared_ptr<const ResolvedSettings> settings;
  ProjectExtras extras;
};

// True when a project-level rule is selected by `settings`.
bool wants_project_rules(const ResolvedSettings& settings);

// TL9 diagnostics for the losses of `checked`, judged against every test in `tests`
// (the facts of all test files: checked ones and index-only ones).
std::vector<Diagnostic> judge_project(const std::vector<CheckedFileFacts>& checked,
                                      const std::vector<const TestFunction*>& tests);

}  // namespace torchlint
