#pragma once
// The check run: discover files, lint them in parallel (one worker per core, each
// with its own parsers), and return every diagnostic sorted, identical for every -j.
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "linter/config/config_loader.h"
#include "linter/output/emitter.h"

namespace torchlint {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CheckOptions {
  std::vector<std::string> paths;  // "-" reads stdin
  unsigned jobs = 0;               // 0: all cores
  bool force_exclude = false;
  std::optional<std::string> stdin_filename;
  bool no_cache = false;                 // --no-cache
  std::optional<std::string> cache_dir;  // --cache-dir (else the `cache-dir` key, else <root>/.torchlint_cache)
};

struct CheckResult {
  RunReport report;
  Level fail_on = Level::Warning;  // from the settings governing the project root
  // Usage errors of the run (paths that do not exist): the other paths are still checked
  // and reported, then the run exits 2 naming these.
  std::vector<std::string> usage_errors;
};

CheckResult run_check(const CheckOptions& options, ConfigResolver& resolver);

// Runs `task(i)` for i in [0, count) on `jobs` threads (0: all cores).
void parallel_for(std::size_t count, unsigned jobs, const std::function<void(std::size_t)>& task);

}  // namespace torchlint
