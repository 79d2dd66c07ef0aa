#pragma once
// The subcommands of the `torchlint` program. Each returns the process exit status.
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "linter/config/config_loader.h"
#include "linter/output/emitter.h"
#include "linter/run/runner.h"

namespace torchlint {

enum class ColorChoice { Auto, Always, Never };

struct CheckCommand {
  CheckOptions check;
  CliOverrides overrides;
  std::optional<std::string> config;
  bool isolated = false;
  std::vector<std::string> outputs;  // FORMAT[:PATH], repeatable
  std::optional<std::string> output_format;
  std::optional<std::string> output_file;
  bool exit_zero = false;
  bool statistics = false;
  bool quiet = false;
  ColorChoice color = ColorChoice::Auto;
  // Adoption (linter/cli/adoption.h): fixes, --add-noqa, baselines (--baseline sets overrides.baseline).
  bool fix = false;
  bool unsafe_fixes = false;
  bool diff = false;
  bool exit_non_zero_on_fix = false;
  bool add_noqa = false;
  std::optional<std::string> write_baseline;
};

int run_check_command(const CheckCommand& command);

struct RuleCommand {
  std::optional<std::string> code;
  bool all = false;
  std::string output_format = "text";
};

int run_rule_command(const RuleCommand& command);

// Markdown page of one rule (what `torchlint rule CODE` prints, docs/rules/CODE.md).
std::string rule_markdown(const struct RuleInfo& info);
// docs/rules/index.md: a table of every rule.
std::string rules_index_markdown();
// Writes docs/rules/*.md under `docs_dir`; with `check`, compares instead and returns 1 when stale.
int run_docs_command(const std::string& docs_dir, bool check);

}  // namespace torchlint
