#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "linter/cli/adoption.h"
#include "linter/cli/commands.h"

namespace torchlint {
namespace {

std::string join_lines(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += (text.empty() ? "" : "\n") + line;
  return text;
}

bool use_color(ColorChoice choice, bool to_terminal) {
  if (choice == ColorChoice::Always) return true;
  if (choice == ColorChoice::Never) return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return to_terminal && isatty(STDOUT_FILENO) != 0;
}

struct OutputTarget {
  OutputFormat format;
  std::optional<std::string> path;  // nullopt: standard output
};

std::vector<OutputTarget> output_targets(const CheckCommand& command) {
  std::vector<OutputTarget> targets;
  for (const auto& spec : command.outputs) {
    const auto colon = spec.find(':');
    const std::string name = spec.substr(0, colon);
    auto format = parse_output_format(name);
    if (!format) throw UsageError("unknown output format `" + name + "` in --output " + spec);
    std::optional<std::string> path;
    if (colon != std::string::npos) path = spec.substr(colon + 1);
    if (path && path->empty()) throw UsageError("--output " + spec + ": empty path");
    targets.push_back({*format, path});
  }
  if (command.output_format || command.output_file || targets.empty()) {
    auto format = parse_output_format(command.output_format.value_or("full"));
    if (!format) throw UsageError("unknown output format `" + *command.output_format + "`");
    targets.push_back({*format, command.output_file});
  }
  const auto to_stdout = std::count_if(targets.begin(), targets.end(), [](const auto& t) { return !t.path; });
  if (to_stdout > 1) throw UsageError("at most one output may go to standard output");
  return targets;
}

bool fails(const std::vector<Diagnostic>& diagnostics, Level fail_on) {
  for (const auto& d : diagnostics) {
    if (static_cast<int>(d.level) <= static_cast<int>(fail_on)) return true;
  }
  return false;
}

}  // namespace

int run_check_command(const CheckCommand& command) {
  std::vector<OutputTarget> targets = output_targets(command);
  std::optional<std::filesystem::path> config;
  if (command.config) config = *command.config;
  ConfigResolver resolver(command.overrides, config, command.isolated);
  CheckOptions options = command.check;
  if (options.paths.empty()) options.paths.emplace_back(".");
  validate_adoption_options(command);
  if (fixes_stdin(command, options)) return run_fix_stdin(command, options, resolver);
  CheckResult result = run_check(options, resolver);
  // A missing path (exit 2) stops a run that would change files or baselines; a plain
  // check still reports the paths that exist, then names the missing ones.
  if (!result.usage_errors.empty() &&
      (command.fix || command.diff || command.write_baseline || command.add_noqa)) {
    throw UsageError(join_lines(result.usage_errors));
  }
  // --fix / --diff: fix the files, then report what remains (adoption.cpp).
  FixRunSummary fixes;
  if (command.fix || command.diff) {
    fixes = fix_checked_files(command, options, resolver, result, std::cout);
    if (command.diff) return fixes.files > 0 || fixes.failed ? 1 : 0;
    if (fixes.files > 0) result = run_check(options, resolver);
  }
  if (command.write_baseline) return write_baseline_file(command, result);
  filter_with_baseline(command, resolver, result);
  if (command.add_noqa) return run_add_noqa(command, options, resolver, result);
  result.report.statistics = command.statistics;
  for (const auto& target : targets) {
    if (target.path) {
      std::ofstream stream(*target.path, std::ios::binary | std::ios::trunc);
      if (!stream) throw UsageError("cannot write output file " + *target.path);
      RunReport plain = result.report;
      plain.color = false;
      emit(target.format, plain, stream);
    } else if (!command.quiet) {
      result.report.color = use_color(command.color, true);
      emit(target.format, result.report, std::cout);
      result.report.color = false;
    }
  }
  std::cout.flush();
  if (!result.usage_errors.empty()) {
    std::cerr << "torchlint: error: " << join_lines(result.usage_errors) << "\n";
    return 2;
  }
  if (command.exit_non_zero_on_fix && fixes.files > 0) return 1;
  if (command.exit_zero) return 0;
  return fails(result.report.diagnostics, result.fail_on) ? 1 : 0;
}

}  // namespace torchlint
