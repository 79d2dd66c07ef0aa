#include "linter/cli/adoption.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "linter/run/add_noqa.h"
#include "linter/run/baseline.h"
#include "linter/run/file_walker.h"
#include "linter/run/fixer.h"
#include "linter/run/lint_file.h"
#include "linter/run/notebook.h"

namespace torchlint {
namespace {

namespace fs = std::filesystem;

bool fixing(const CheckCommand& command) { return command.fix || command.diff; }

// Display path -> path on disk, for the files of this run.
std::map<std::string, fs::path> discovered_paths(const CheckOptions& options, ConfigResolver& resolver) {
  std::vector<std::string> paths;
  for (const auto& path : options.paths) {
    if (path != "-") paths.push_back(path);
  }
  std::map<std::string, fs::path> found;
  if (paths.empty()) return found;
  Discovery discovery = discover_files(paths, resolver, options.force_exclude);
  for (auto& file : discovery.files) found.emplace(file.display_path, std::move(file.path));
  return found;
}

void tell(const CheckCommand& command, const std::string& message) {
  if (!command.quiet) std::cerr << "torchlint: " << message << "\n";
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

void validate_adoption_options(const CheckCommand& command) {
  if (command.add_noqa && (command.fix || command.diff)) throw UsageError("--add-noqa cannot be combined with --fix or --diff");
  if (command.add_noqa && command.write_baseline) throw UsageError("--add-noqa cannot be combined with --write-baseline");
  if (command.diff && command.write_baseline) throw UsageError("--diff cannot be combined with --write-baseline");
  if (command.write_baseline && command.write_baseline->empty()) throw UsageError("--write-baseline needs a file name");
}

bool fixes_stdin(const CheckCommand& command, const CheckOptions& options) {
  return fixing(command) && std::find(options.paths.begin(), options.paths.end(), "-") != options.paths.end();
}

int run_fix_stdin(const CheckCommand& command, const CheckOptions& options, ConfigResolver& resolver) {
  if (options.paths.size() != 1) throw UsageError("fixing standard input (`-`) cannot be combined with other paths");
  std::ostringstream buffer;
  buffer << std::cin.rdbuf();
  const std::string text = std::move(buffer).str();
  const std::string name = options.stdin_filename.value_or("-");
  const auto governing = resolver.for_path(options.stdin_filename ? *options.stdin_filename : std::string("."));
  Language language = language_for_path(name);
  if (language == Language::Unknown) language = Language::Python;
  if (text.find('\0') != std::string::npos || !is_valid_utf8(text) || is_notebook_path(name)) {
    if (!command.diff) std::cout << text;
    tell(command, "standard input is not a text source file; not fixed");
    return 2;
  }
  FixOutcome outcome = fix_text(name, text, language, governing->settings, governing->rules, command.unsafe_fixes);
  if (outcome.syntax_error) tell(command, name + ": has a syntax error; not fixed");
  if (outcome.error) tell(command, name + ": " + *outcome.error);
  if (command.diff) {
    std::cout << unified_diff(text, outcome.text, name);
    std::cout.flush();
    return outcome.text != text ? 1 : 0;
  }
  std::cout << outcome.text;
  std::cout.flush();
  if (command.exit_non_zero_on_fix && outcome.fixed > 0) return 1;
  if (command.exit_zero) return 0;
  const Level fail_on = governing->settings.fail_on;
  const bool fails = std::any_of(outcome.remaining.begin(), outcome.remaining.end(), [&](const Diagnostic& d) {
    return static_cast<int>(d.level) <= static_cast<int>(fail_on);
  });
  return fails ? 1 : 0;
}

FixRunSummary fix_checked_files(const CheckCommand& command, const CheckOptions& options, ConfigResolver& resolver,
                                const CheckResult& result, std::ostream& out) {
  FixRunSummary summary;
  // Only files with a fix that would be applied are opened again.
  std::set<std::string> wanted;
  for (const auto& d : result.report.diagnostics) {
    if (d.fix && !d.cell && is_applicable(d.fix->applicability, command.unsafe_fixes)) wanted.insert(d.path);
  }
  if (wanted.empty()) return summary;
  const auto paths = discovered_paths(options, resolver);
  std::vector<std::pair<std::string, fs::path>> files;
  for (const auto& display : wanted) {
    if (auto it = paths.find(display); it != paths.end()) files.emplace_back(display, it->second);
  }
  std::vector<FileFixResult> results(files.size());
  parallel_for(files.size(), options.jobs, [&](std::size_t i) {
    const auto governing = resolver.for_path(files[i].second);
    results[i] = fix_file(files[i].second, files[i].first, governing->settings, governing->rules, command.unsafe_fixes,
                          command.diff);
  });
  for (const auto& file : results) {
    for (const auto& message : file.messages) tell(command, message);
    if (!file.changed) continue;
    summary.fixed += file.fixed;
    ++summary.files;
    if (command.diff) out << file.diff;
  }
  out.flush();
  if (command.diff) {
    tell(command, "would fix " + plural(summary.fixed, "finding") + " in " + plural(summary.files, "file"));
  } else if (summary.fixed > 0) {
    tell(command, "fixed " + plural(summary.fixed, "finding") + " in " + plural(summary.files, "file"));
  }
  return summary;
}

int run_add_noqa(const CheckCommand& command, const CheckOptions& options, ConfigResolver& resolver,
                 const CheckResult& result) {
  std::map<std::string, std::vector<Diagnostic>> by_file;
  std::set<std::string> broken;  // files with a Python syntax error
  for (const auto& d : result.report.diagnostics) {
    if (d.rule->code == "TL002" && d.level == Level::Error) broken.insert(d.path);
    by_file[d.path].push_back(d);
  }
  const auto paths = discovered_paths(options, resolver);
  std::vector<std::pair<std::string, fs::path>> files;
  std::vector<std::string> messages;
  for (const auto& [display, diagnostics] : by_file) {
    const auto it = paths.find(display);
    if (it == paths.end()) {
      messages.push_back(display + ": not a file on disk; no suppressions added");
      continue;
    }
    if (is_notebook_path(it->second)) {
      messages.push_back(display + ": notebooks get no suppression comments");
      continue;
    }
    if (broken.contains(display)) {
      messages.push_back(display + ": has a syntax error; no suppressions added");
      continue;
    }
    files.emplace_back(display, it->second);
  }
  std::vector<AddNoqaResult> results(files.size());
  std::vector<std::string> errors(files.size());
  parallel_for(files.size(), options.jobs, [&](std::size_t i) {
    const auto governing = resolver.for_path(files[i].second);
    Language language = language_for_path(files[i].second.string());
    if (language == Language::Unknown) language = Language::Python;
    bool changed = false;
    std::string error;
    const bool ok = update_file_locked(
        files[i].second,
        [&](const std::string& content) -> std::optional<std::string> {
          if (language == Language::Python && syntax_state(content, language, governing->settings).python_error) {
            results[i].messages.push_back(files[i].first + ": has a syntax error; no suppressions added");
            return std::nullopt;
          }
          results[i] = add_noqa(content, language, by_file.at(files[i].first), files[i].first, governing->settings);
          return results[i].text;
        },
        changed, error);
    if (!ok) {
      errors[i] = files[i].first + ": " + error;
      results[i].added = 0;
    }
  });
  std::size_t added = 0, changed_files = 0;
  for (std::size_t i = 0; i < files.size(); ++i) {
    messages.insert(messages.end(), results[i].messages.begin(), results[i].messages.end());
    if (!errors[i].empty()) messages.push_back(errors[i]);
    added += results[i].added;
    if (results[i].added > 0) ++changed_files;
  }
  for (const auto& message : messages) tell(command, message);
  tell(command, "added " + plural(added, "suppression comment") + " in " + plural(changed_files, "file"));
  const bool failed = std::any_of(errors.begin(), errors.end(), [](const std::string& e) { return !e.empty(); });
  return failed ? 2 : 0;
}

int write_baseline_file(const CheckCommand& command, const CheckResult& result) {
  const auto entries = baseline_entries(result.report);
  std::string error;
  if (!write_file_atomically(*command.write_baseline, format_baseline(entries), error)) {
    throw UsageError("cannot write baseline " + *command.write_baseline + ": " + error);
  }
  tell(command, "wrote " + plural(entries.size(), "finding") + " to baseline " + *command.write_baseline);
  return 0;
}

void filter_with_baseline(const CheckCommand& command, ConfigResolver& resolver, CheckResult& result) {
  std::optional<fs::path> file;
  if (command.overrides.baseline) {
    file = *command.overrides.baseline;
  } else {
    const auto root = resolver.for_path(resolver.project_root());
    if (root->settings.baseline) {
      const fs::path configured = *root->settings.baseline;
      file = configured.is_absolute() ? configured : root->settings.root / configured;
    }
  }
  if (!file) return;
  std::string content, error;
  if (!read_file(*file, content, error)) throw UsageError("cannot read baseline " + file->string() + ": " + error);
  auto baseline = parse_baseline(content, error);
  if (!baseline) throw UsageError("baseline " + file->string() + ": " + error);
  const BaselineFilter filter = apply_baseline(result.report, *baseline);
  if (filter.stale > 0) {
    tell(command, std::to_string(filter.stale) + " baseline finding(s) in " + file->string() +
                      " matched nothing (fixed?); `--write-baseline` refreshes it");
  }
}

}  // namespace torchlint
