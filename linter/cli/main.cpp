// torchlint: the command-line program.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "linter/cli/commands.h"
#include "linter/cli/guidelines_command.h"
#include "linter/lsp/server.h"

namespace {

using namespace torchlint;

void add_check_options(CLI::App& check, CheckCommand& command, std::vector<std::string>& select,
                       std::string& fail_on, std::string& color) {
  check.add_option("paths", command.check.paths, "Files or directories to check (default: .; - reads stdin)");
  check.add_option("--stdin-filename", command.check.stdin_filename,
                   "Name of the file read from stdin (config discovery, per-file-ignores, language)");
  check.add_option("--select", select, "Rule codes or prefixes to enable (replaces the configured selection)")
      ->delimiter(',')->allow_extra_args(false);
  check.add_option("--extend-select", command.overrides.extend_select, "Codes or prefixes to enable in addition")
      ->delimiter(',')->allow_extra_args(false);
  check.add_option("--ignore", command.overrides.ignore, "Codes or prefixes to disable")->delimiter(',')->allow_extra_args(false);
  check.add_option("--extend-exclude", command.overrides.extend_exclude, "More glob patterns to exclude")
      ->delimiter(',')->allow_extra_args(false);
  check.add_option("--config", command.config, "Use this configuration file for every file");
  check.add_flag("--isolated", command.isolated, "Ignore all configuration files");
  check.add_flag("--preview", [&](std::int64_t) { command.overrides.preview = true; }, "Enable preview rules");
  check.add_option("--output-format", command.output_format, "full, concise, json, json-lines, sarif, github, gitlab, junit");
  check.add_option("-o,--output-file", command.output_file, "Write the output to this file");
  check.add_option("--output", command.outputs,
                   "FORMAT[:PATH], repeatable: one run, several outputs (at most one to stdout)")
      ->allow_extra_args(false);
  check.add_option("--fail-on", fail_on, "Lowest level that fails the run: error, warning (default), note")
      ->check(CLI::IsMember({"error", "warning", "note"}));
  check.add_flag("--exit-zero", command.exit_zero, "Exit 0 even when findings remain");
  check.add_flag("--statistics", command.statistics, "Show counts per rule");
  check.add_flag("-q,--quiet", command.quiet, "Print nothing on standard output");
  check.add_option("--color", color, "auto, always, never (NO_COLOR is honoured)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  check.add_option("-j,--jobs", command.check.jobs, "Worker threads (default: all cores)");
  check.add_flag("--force-exclude", command.check.force_exclude, "Apply excludes to files named on the command line");
  check.add_flag("--no-cache", command.check.no_cache, "Do not read or write the cache");
  check.add_option_function<double>(
         "--file-timeout", [&](double seconds) { command.overrides.file_timeout = seconds; },
         "Report a file that takes longer than SECONDS as TL001 and go on (off by default)")
      ->type_name("SECONDS")
      ->check(CLI::PositiveNumber);
  check.add_option("--cache-dir", command.check.cache_dir, "Cache directory (default: <project root>/.torchlint_cache)");
  check.add_flag("--no-respect-gitignore", [&](std::int64_t) { command.overrides.respect_gitignore = false; },
                 "Do not honour .gitignore files");
  // Adoption (linter/cli/adoption.cpp, docs/baseline.md).
  check.add_flag("--fix", command.fix, "Apply safe fixes (repeatedly, until nothing changes)");
  check.add_flag("--unsafe-fixes", command.unsafe_fixes, "With --fix or --diff, apply unsafe fixes too");
  check.add_flag("--diff", command.diff, "Print the fixes as a unified diff instead of writing them (exit 1 if any)");
  check.add_flag("--exit-non-zero-on-fix", command.exit_non_zero_on_fix, "Exit 1 when --fix changed a file");
  check.add_flag("--add-noqa", command.add_noqa, "Add suppression comments to every line with findings");
  check.add_option("--write-baseline", command.write_baseline, "Record the current findings in this baseline file");
  check.add_option_function<std::string>(
      "--baseline", [&](const std::string& path) { command.overrides.baseline = path; },
      "Report only findings not in this baseline file (also the `baseline` key)");
  check.add_option_function<std::string>(
         "--compile-commands",
         [&](const std::string& path) {
           command.overrides.compile_commands = std::filesystem::absolute(path).lexically_normal().string();
         },
         "Directory of compile_commands.json (or the file): C++ files listed there are checked by type with Clang")
      ->check(CLI::ExistingPath);
}

int run(int argc, char** argv) {
  CLI::App app{"torchlint: a fast linter for PyTorch coding guidelines (Python and LibTorch C++)", "torchlint"};
  app.set_version_flag("-V,--version", std::string("torchlint ") + TORCHLINT_VERSION);
  app.require_subcommand(1);

  CheckCommand check_command;
  std::vector<std::string> select;
  std::string fail_on;
  std::string color = "auto";
  CLI::App* check = app.add_subcommand("check", "Check files and directories");
  add_check_options(*check, check_command, select, fail_on, color);

  RuleCommand rule_command;
  CLI::App* rule = app.add_subcommand("rule", "Explain a rule, or list all rules");
  rule->add_option("code", rule_command.code, "Rule code, e.g. TL501");
  rule->add_flag("--all", rule_command.all, "All rules");
  rule->add_option("--output-format", rule_command.output_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));

  std::string docs_dir = "docs";
  bool docs_check = false;
  CLI::App* docs = app.add_subcommand("docs", "Write (or --check) the generated rule docs pages");
  docs->add_option("--write", docs_dir, "Docs directory (default: docs)");
  docs->add_flag("--check", docs_check, "Fail when the committed pages are stale");

  std::string guidelines_format = "text";
  CLI::App* guidelines = app.add_subcommand("guidelines", "Show which rules enforce each coding guideline");
  guidelines->add_option("--output-format", guidelines_format, "text or json")
      ->check(CLI::IsMember({"text", "json"}));

  lsp::ServerOptions server_options;
  std::string server_config;
  bool server_stdio = false;
  CLI::App* server = app.add_subcommand("server", "Run the Language Server (LSP over stdio)");
  server->add_option("--debounce-ms", server_options.debounce_ms,
                     "Delay between an edit and its re-lint in milliseconds (default 100; 0: at once)")
      ->check(CLI::NonNegativeNumber);
  server->add_option("--config", server_config, "Use this configuration file for every document");
  server->add_flag("--isolated", server_options.isolated, "Ignore all configuration files");
  server->add_flag("--stdio", server_stdio, "Talk over stdin/stdout (the only transport; accepted for clients that pass it)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  try {
    if (check->parsed()) {
      if (!select.empty()) check_command.overrides.select = select;
      for (const auto& pattern : select) validate_code_patterns({pattern}, "--select", 0, "select");
      validate_code_patterns(check_command.overrides.extend_select, "--extend-select", 0, "extend-select");
      validate_code_patterns(check_command.overrides.ignore, "--ignore", 0, "ignore");
      if (!fail_on.empty()) check_command.overrides.fail_on = parse_level(fail_on);
      check_command.color = color == "always" ? ColorChoice::Always : color == "never" ? ColorChoice::Never : ColorChoice::Auto;
      return run_check_command(check_command);
    }
    if (rule->parsed()) return run_rule_command(rule_command);
    if (server->parsed()) {
      // Absolute: the server moves to the workspace folder at `initialize`.
      if (!server_config.empty()) server_options.config = std::filesystem::absolute(server_config).string();
      return lsp::run_server(server_options, 0, 1);
    }
    if (docs->parsed()) return run_docs_command(docs_dir, docs_check);
    if (guidelines->parsed()) return run_guidelines_command(guidelines_format);
  } catch (const ConfigError& e) {
    std::cerr << "torchlint: configuration error: " << e.what() << "\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "torchlint: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "torchlint: internal error: " << e.what() << "\n";
    return 2;
  }
  return 2;
}

}  // namespace

int main(int argc, char** argv) { return run(argc, argv); }
