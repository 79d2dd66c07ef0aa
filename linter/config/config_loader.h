#pragma once
// Configuration discovery and parsing. Per file, the nearest ancestor `.torchlint.toml`,
// `torchlint.toml`, or `pyproject.toml` with a `[tool.torchlint]` table governs it;
// `--config` applies one file to all; `--isolated` ignores every file. CLI options
// override what the files say.
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "linter/config/settings.h"
#include "linter/run/rule_set.h"

namespace torchlint {

class ConfigError : public std::runtime_error {
 public:
  ConfigError(const std::filesystem::path& file, int line, const std::string& key, const std::string& message);
};

struct CliOverrides {
  std::optional<std::vector<std::string>> select;
  std::vector<std::string> extend_select;
  std::vector<std::string> ignore;
  std::optional<bool> preview;
  std::optional<Level> fail_on;
  std::optional<std::string> cache_dir;
  std::optional<std::string> baseline;
  std::optional<std::string> compile_commands;
  std::optional<bool> respect_gitignore;
  std::optional<double> file_timeout;
  std::vector<std::string> extend_exclude;
};

// Settings plus the rule set they select, shared by every file they govern.
struct ResolvedSettings {
  Settings settings;
  RuleSet rules;
  explicit ResolvedSettings(Settings s) : settings(std::move(s)), rules(settings.selection) {}
};

// Parses one configuration file; throws ConfigError naming file, line and key.
// Returns nullopt for a pyproject.toml without [tool.torchlint].
std::optional<Settings> load_config_file(const std::filesystem::path& file);

// Validates code patterns (select/ignore/...); throws ConfigError for unknown codes.
void validate_code_patterns(const std::vector<std::string>& patterns, const std::filesystem::path& file, int line,
                            const std::string& key);

class ConfigResolver {
 public:
  ConfigResolver(CliOverrides overrides, std::optional<std::filesystem::path> config_file, bool isolated);

  // Settings governing `path` (a file or directory). Thread-safe; cached per directory.
  std::shared_ptr<const ResolvedSettings> for_path(const std::filesystem::path& path);
  // The project root (catalog): --config's directory, else the config governing the CWD, else the CWD.
  [[nodiscard]] const std::filesystem::path& project_root() const { return project_root_; }

 private:
  std::shared_ptr<const ResolvedSettings> resolve_directory(const std::filesystem::path& directory);
  std::shared_ptr<const ResolvedSettings> finish(Settings settings);

  CliOverrides overrides_;
  bool isolated_;
  std::shared_ptr<const ResolvedSettings> fixed_;  // --config or --isolated
  std::filesystem::path project_root_;
  std::mutex mutex_;
  std::map<std::filesystem::path, std::shared_ptr<const ResolvedSettings>> by_directory_;
  std::map<std::filesystem::path, std::shared_ptr<const ResolvedSettings>> by_config_file_;
};

}  // namespace torchlint
