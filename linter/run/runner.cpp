#include "linter/run/runner.h"

#include <algorithm>
#include <atomic>
#include <iostream>
#include <iterator>
#include <sstream>
#include <thread>

#include "linter/run/file_walker.h"
#include "linter/run/lint_file.h"

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
  if (!discovery.errors.empty()) {
    std::string message;
    for (const auto& error : discovery.errors) message += (message.empty() ? "" : "\n") + error;
    throw UsageError(message);
  }

  std::vector<std::vector<Diagnostic>> per_file(discovery.files.size());
  std::vector<std::shared_ptr<const ResolvedSettings>> settings(discovery.files.size());
  for (std::size_t i = 0; i < discovery.files.size(); ++i) settings[i] = resolver.for_path(discovery.files[i].path);
  parallel_for(discovery.files.size(), options.jobs, [&](std::size_t i) {
    const auto& file = discovery.files[i];
    per_file[i] = lint_path(file.path, file.display_path, settings[i]->settings, settings[i]->rules);
  });

  auto& diagnostics = result.report.diagnostics;
  for (auto& list : per_file) std::move(list.begin(), list.end(), std::back_inserter(diagnostics));
  result.report.files_checked = discovery.files.size();

  if (read_stdin) {
    std::ostringstream buffer;
    buffer << std::cin.rdbuf();
    const std::string name = options.stdin_filename.value_or("-");
    const auto governing = resolver.for_path(options.stdin_filename ? *options.stdin_filename : std::string("."));
    std::string text = std::move(buffer).str();
    result.report.in_memory_sources[name] = text;
    Language language = language_for_path(name);
    if (language == Language::Unknown) language = Language::Python;
    if (text.find('\0') != std::string::npos || !is_valid_utf8(text)) {
      diagnostics.push_back(meta_diagnostic("TL001", name, "standard input is not text; not checked"));
    } else {
      SourceFile file(name, std::move(text), language);
      auto found = lint_source(file, governing->settings, governing->rules);
      std::move(found.begin(), found.end(), std::back_inserter(diagnostics));
    }
    ++result.report.files_checked;
  }
  std::stable_sort(diagnostics.begin(), diagnostics.end(), diagnostic_less);
  return result;
}

}  // namespace torchlint
