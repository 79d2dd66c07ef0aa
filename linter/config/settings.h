#pragma once
// Resolved settings for one file: the catalog's configuration keys after discovery,
// merging and CLI overrides. Keys are normative (../shared/rule-catalog.md).
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "linter/run/diagnostic.h"

namespace torchlint {

struct RuleSelection {
  std::vector<std::string> select = {"ALL"};  // codes or prefixes
  std::vector<std::string> extend_select;
  std::vector<std::string> ignore;
  bool preview = false;
};

struct Settings {
  // Where these settings came from (empty: defaults) and its directory.
  std::filesystem::path config_file;
  std::filesystem::path root;

  RuleSelection selection;
  std::vector<std::pair<std::string, std::vector<std::string>>> per_file_ignores;  // glob -> codes
  std::vector<std::string> exclude;  // globs; defaults unless `exclude` was set
  std::vector<std::string> extend_exclude;
  bool respect_gitignore = true;
  std::vector<std::string> src;
  Level fail_on = Level::Warning;
  std::optional<std::string> cache_dir;
  std::optional<std::string> baseline;
  std::optional<std::string> compile_commands;
  // --file-timeout (command line only, not a configuration key): seconds one file may
  // take before it is reported as TL001 and skipped; 0: no limit.
  double file_timeout = 0;

  // [inplace]
  std::vector<std::string> inplace_extend_allow;
  // [structure]
  int max_statements = 50;
  int max_complexity = 10;
  // [annotations]
  bool ignore_fully_untyped = false;
  // [testing]
  std::vector<std::string> test_patterns;
  std::vector<std::string> required_dtypes;
  // [cpp]
  std::vector<std::string> attribute_macros;

  Settings();
};

std::vector<std::string> default_excludes();
std::vector<std::string> default_attribute_macros();

}  // namespace torchlint
