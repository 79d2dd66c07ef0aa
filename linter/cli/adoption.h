#pragma once
// `torchlint check` for adopting the linter in an existing codebase: --fix / --unsafe-fixes /
// --diff / --exit-non-zero-on-fix, --add-noqa, --write-baseline / --baseline.
#include <iosfwd>

#include "linter/cli/commands.h"

namespace torchlint {

// Throws UsageError for combinations that make no sense (--add-noqa with --fix, ...).
void validate_adoption_options(const CheckCommand& command);

// True when the run fixes (or diffs) and standard input is among the paths.
bool fixes_stdin(const CheckCommand& command, const CheckOptions& options);
// `--fix -` / `--diff -`: the fixed text (or the diff) of standard input goes to stdout.
int run_fix_stdin(const CheckCommand& command, const CheckOptions& options, ConfigResolver& resolver);

struct FixRunSummary {
  std::size_t fixed = 0;   // fixes applied (or, with --diff, that would be)
  std::size_t files = 0;   // files changed (would change)
  bool failed = false;     // a file could not be written
};

// Fixes the files of `result` that have applicable fixes; with --diff prints the diffs to
// `out` instead of writing. Problems go to stderr.
FixRunSummary fix_checked_files(const CheckCommand& command, const CheckOptions& options, ConfigResolver& resolver,
                                const CheckResult& result, std::ostream& out);

// --add-noqa over the findings of `result`; returns the exit status.
int run_add_noqa(const CheckCommand& command, const CheckOptions& options, ConfigResolver& resolver,
                 const CheckResult& result);

// --write-baseline: records the findings of `result`; returns the exit status.
int write_baseline_file(const CheckCommand& command, const CheckResult& result);

// --baseline FILE or the `baseline` key of the project root's settings: drops known findings.
void filter_with_baseline(const CheckCommand& command, ConfigResolver& resolver, CheckResult& result);

}  // namespace torchlint
