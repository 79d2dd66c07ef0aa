#pragma once
// The seam between the runner and the optional type-aware C++ engine (linter/clang/, built
// with TORCHLINT_WITH_CLANG). The core knows only this table of functions; the Clang engine
// is a plugin (torchlint-clang.so) loaded the first time a file asks for it. When a file's settings name a compilation database
// (`compile-commands` / `--compile-commands`), C++ files listed there are linted by the
// engine; every other file, and every file of a build without Clang, by the tree-sitter rules.
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "linter/config/settings.h"
#include "linter/run/diagnostic.h"
#include "linter/run/rule_set.h"

namespace torchlint {

struct TypeAwareEngine {
  // Lints `path` by types when the settings' database lists it; nullopt: not listed (or
  // unreadable), the caller falls back to the syntax rules.
  std::optional<std::vector<Diagnostic>> (*lint)(const std::filesystem::path& path, const std::string& display_path,
                                                 const Settings& settings, const RuleSet& rules) = nullptr;
  // Start of a run: forget what the previous run counted.
  void (*begin_run)() = nullptr;
  // End of a run: the notes a user should see once (files not in the database, ...).
  void (*end_run)(std::ostream& notes) = nullptr;
};

// Installs the engine (the plugin's entry point calls it when loaded).
void install_type_aware_engine(const TypeAwareEngine& engine);

// The codes whose C++ triggers the type-aware engine decides (catalog "Type-aware C++ mode").
const std::vector<std::string>& type_aware_codes();

// Runner side: called for every file of a check run. nullopt: lint it the usual way.
std::optional<std::vector<Diagnostic>> lint_type_aware(const std::filesystem::path& path,
                                                       const std::string& display_path, const Settings& settings,
                                                       const RuleSet& rules);
void begin_type_aware_run();
// Writes the run's notes (once per run) to `notes`.
void end_type_aware_run(std::ostream& notes);

}  // namespace torchlint
