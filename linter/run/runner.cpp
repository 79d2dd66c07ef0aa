#include "linter/run/runner.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <atomic>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "linter/run/file_walker.h"
#include "linter/run/cache.h"
#include "linter/run/glob.h"
#include "linter/run/lint_file.h"
#include "linter/run/notebook.h"
#include "linter/run/project_index.h"
#include "linter/run/type_aware.h"
#include "linter/semantic/testing.h"

namespace torchlint {

void parallel_for(std::size_t count, unsigned jobs, const std::function<void(std::size_t)>& task) {
  if (jobs == 0) jobs = std::max(1U, std::thread::hardware_concurrency());
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(count, 1)));
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) task(i);
  };
  if (jobs <= 1) {
    worker();
    return;
  }
  std::vector<std::jthread> threads;
  threads.reserve(jobs - 1);
  for (unsigned i = 1; i < jobs; ++i) threads.emplace_back(worker);
  worker();
}

namespace {

std::filesystem::path cache_directory(const CheckOptions& options, const ResolvedSettings& root_settings,
                                      const std::filesystem::path& root) {
  if (options.cache_dir) return *options.cache_dir;
  if (root_settings.settings.cache_dir) {
    const std::filesystem::path configured = *root_settings.settings.cache_dir;
    return configured.is_absolute() ? configured : root_settings.settings.root / configured;
  }
  return root / ".torchlint_cache";
}

// Reuses the cached result for `path` when it is current, else runs `lint` and stores it.
template <class Lint>
std::vector<Diagnostic> lint_cached(LintCache* cache, const std::string& key, std::uint64_t fingerprint,
                                    const std::filesystem::path& path, Lint&& lint, ProjectExtras* extras) {
  const std::optional<FileStamp> stamp = cache ? stamp_of(path) : std::nullopt;
  if (stamp) {
    if (auto hit = cache->lookup(key, *stamp, fingerprint)) {
      if (extras != nullptr) {
        const bool is_test_file = extras->is_test_file;
        *extras = std::move(hit->extras);
        extras->is_test_file = is_test_file;
      }
      return std::move(hit->diagnostics);
    }
  }
  std::vector<Diagnostic> diagnostics = lint();
  if (stamp) {
    CachedFile entry{*stamp, fingerprint, diagnostics, extras != nullptr ? *extras : ProjectExtras{}};
    cache->store(key, std::move(entry));
  }
  return diagnostics;
}

}  // namespace

namespace {

// All of standard input; false with `error` set when reading fails (descriptor 0 closed,
// an I/O error), which std::cin would report as a silent, empty end of file.
bool read_standard_input(std::string& text, std::string& error) {
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (got > 0) {
      text.append(buffer, static_cast<std::size_t>(got));
    } else if (got == 0) {
      return true;
    } else if (errno != EINTR) {
      error = std::strerror(errno);
      return false;
    }
  }
}

}  // namespace

CheckResult run_check(const CheckOptions& options, ConfigResolver& resolver) {
  CheckResult result;
  result.report.project_root = resolver.project_root();
  result.fail_on = resolver.for_path(resolver.project_root())->settings.fail_on;

  std::vector<std::string> disk_paths;
  bool read_stdin = false;
  for (const auto& path : options.paths) {
    if (path == "-") read_stdin = true;
    else disk_paths.push_back(path);
  }
  Discovery discovery = discover_files(disk_paths, resolver, options.force_exclude);
  // A missing path does not stop the others from being checked (nothing is lost); the
  // caller reports it and exits 2.
  result.usage_errors = std::move(discovery.errors);
  for (const auto& error : result.usage_errors) result.report.notifications.push_back(error);
  if (!result.usage_errors.empty()) result.report.execution_successful = false;

  const std::size_t checked_count = discovery.files.size();
  std::vector<std::shared_ptr<const ResolvedSettings>> settings(checked_count);
  bool project_rules = false;
  for (std::size_t i = 0; i < checked_count; ++i) {
    settings[i] = resolver.for_path(discovery.files[i].path);
    project_rules = project_rules || wants_project_rules(*settings[i]);
  }
  // TL9: test files under the project root join the run as index-only jobs, so a run
  // that names only changed files still sees every test.
  const std::filesystem::path root = resolver.project_root();
  const auto root_settings = resolver.for_path(root);
  std::vector<std::filesystem::path> index_only;
  if (project_rules) {
    std::set<std::filesystem::path> checked_paths;
    std::error_code ec;
    for (const auto& file : discovery.files) checked_paths.insert(std::filesystem::absolute(file.path, ec).lexically_normal());
    for (auto& path : discover_test_files(root, root_settings->settings.test_patterns)) {
      if (!checked_paths.contains(path)) index_only.push_back(std::move(path));
    }
  }
  auto is_test = [&](const std::filesystem::path& path) {
    return is_test_file(relative_for_matching(path, root), root_settings->settings.test_patterns);
  };

  std::unique_ptr<LintCache> cache;
  // With --file-timeout, results depend on the clock: not something to keep.
  if (!options.no_cache && root_settings->settings.file_timeout <= 0) cache = std::make_unique<LintCache>(cache_directory(options, *root_settings, root));
  std::map<const ResolvedSettings*, std::uint64_t> fingerprints;
  if (cache) {
    for (const auto& governing : settings) fingerprints.try_emplace(governing.get(), settings_fingerprint(*governing));
    fingerprints.try_emplace(root_settings.get(), settings_fingerprint(*root_settings));
  }

  std::vector<std::vector<Diagnostic>> per_file(checked_count);
  std::vector<CheckedFileFacts> checked_facts(project_rules ? checked_count : 0);
  std::vector<ProjectExtras> index_facts(index_only.size());
  const RuleSet no_rules(RuleSelection{{}, {}, {}, false});
  begin_type_aware_run();
  parallel_for(checked_count + index_only.size(), options.jobs, [&](std::size_t i) {
    if (i >= checked_count) {
      const auto& path = index_only[i - checked_count];
      ProjectExtras& extras = index_facts[i - checked_count];
      extras.is_test_file = true;
      // Index-only entries are keyed apart from checked ones: they ran no rules.
      lint_cached(cache.get(), path.string() + "\n(index)", cache ? fingerprints.at(root_settings.get()) : 0, path, [&] {
        return lint_path(path, path.string(), root_settings->settings, no_rules, &extras);
      }, &extras);
      return;
    }
    const auto& file = discovery.files[i];
    ProjectExtras* extras = nullptr;
    if (project_rules) {
      checked_facts[i].display_path = file.display_path;
      checked_facts[i].settings = settings[i];
      checked_facts[i].extras.is_test_file = is_test(file.path);
      extras = &checked_facts[i].extras;
    }
    std::error_code ec;
    const std::string key = std::filesystem::absolute(file.path, ec).lexically_normal().string();
    // Type-aware C++ (files in the compilation database): headers change the answer, so no cache.
    if (auto typed = lint_type_aware(file.path, file.display_path, settings[i]->settings, settings[i]->rules)) {
      per_file[i] = std::move(*typed);
    } else {
      per_file[i] = lint_cached(cache.get(), key, cache ? fingerprints.at(settings[i].get()) : 0, file.path, [&] {
        return lint_path(file.path, file.display_path, settings[i]->settings, settings[i]->rules, extras);
      }, extras);
    }
    for (auto& diagnostic : per_file[i]) diagnostic.path = file.display_path;
    // Sorted here, in parallel: the files are in path order, so the lists join sorted.
    std::stable_sort(per_file[i].begin(), per_file[i].end(), diagnostic_less);
  });
  if (cache) cache->save();
  end_type_aware_run(std::cerr);

  auto& diagnostics = result.report.diagnostics;
  std::size_t total = 0;
  for (const auto& list : per_file) total += list.size();
  diagnostics.reserve(total);
  for (auto& list : per_file) {
    std::move(list.begin(), list.end(), std::back_inserter(diagnostics));
    std::vector<Diagnostic>().swap(list);  // freed as we go: the peak holds one copy
  }
  // Everything after this point (project rules, unreadable directories, stdin) is merged in.
  const std::size_t joined = diagnostics.size();
  if (project_rules) {
    std::vector<const TestFunction*> tests;
    for (const auto& file : checked_facts) {
      for (const auto& test : file.extras.facts.tests) tests.push_back(&test);
    }
    for (const auto& extras : index_facts) {
      for (const auto& test : extras.facts.tests) tests.push_back(&test);
    }
    auto found = judge_project(checked_facts, tests);
    std::move(found.begin(), found.end(), std::back_inserter(diagnostics));
  }
  result.report.files_checked = checked_count;
  for (const auto& directory : discovery.unreadable) {
    if (!resolver.for_path(directory.display_path)->rules.enabled("TL001")) continue;
    diagnostics.push_back(meta_diagnostic("TL001", directory.display_path, "cannot read directory: " + directory.error));
  }

  if (read_stdin) {
    const std::string name = options.stdin_filename.value_or("-");
    const auto governing = resolver.for_path(options.stdin_filename ? *options.stdin_filename : std::string("."));
    std::string text;
    std::string error;
    const bool read_ok = read_standard_input(text, error);
    result.report.in_memory_sources[name] = text;
    Language language = language_for_path(name);
    if (language == Language::Unknown) language = Language::Python;
    if (!read_ok) {
      if (governing->rules.enabled("TL001")) {
        diagnostics.push_back(meta_diagnostic("TL001", name, "cannot read standard input: " + error));
      }
    } else if (text.find('\0') != std::string::npos || !is_valid_utf8(text)) {
      diagnostics.push_back(meta_diagnostic("TL001", name, "standard input is not text; not checked"));
    } else if (is_notebook_path(name)) {
      auto found = lint_notebook(name, text, governing->settings, governing->rules);
      std::move(found.begin(), found.end(), std::back_inserter(diagnostics));
    } else {
      SourceFile file(name, std::move(text), language);
      auto found = lint_source(file, governing->settings, governing->rules);
      std::move(found.begin(), found.end(), std::back_inserter(diagnostics));
    }
    ++result.report.files_checked;
  }
  // Same order as one stable sort of everything, in linear time for the joined lists (a
  // sort of the 400,000 findings of a large tree was a tenth of its run).
  const auto middle = diagnostics.begin() + static_cast<std::ptrdiff_t>(joined);
  if (!std::is_sorted(diagnostics.begin(), middle, diagnostic_less)) {
    std::stable_sort(diagnostics.begin(), middle, diagnostic_less);
  }
  std::stable_sort(middle, diagnostics.end(), diagnostic_less);
  std::inplace_merge(diagnostics.begin(), middle, diagnostics.end(), diagnostic_less);
  return result;
}

}  // namespace torchlint
