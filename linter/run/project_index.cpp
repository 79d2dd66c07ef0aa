#include "linter/run/project_index.h"

#include <unordered_map>

#include "linter/run/rule.h"
#include "linter/semantic/project_facts.h"

namespace torchlint {

bool wants_project_rules(const ResolvedSettings& settings) {
  for (const Rule* rule : settings.rules.rules()) {
    if (rule->project != nullptr) return true;
  }
  return false;
}

std::vector<Diagnostic> judge_project(const std::vector<CheckedFileFacts>& checked,
                                      const std::vector<const TestFunction*>& tests) {
  // Name -> tests that refer to it; built once for all losses.
  std::unordered_map<std::string, std::vector<const TestFunction*>> referring;
  for (const auto& file : checked) {
    for (const auto& loss : file.extras.facts.losses) referring.try_emplace(loss.name);
  }
  for (const TestFunction* test : tests) {
    for (const auto& name : test->referenced) {
      if (auto it = referring.find(name); it != referring.end()) it->second.push_back(test);
    }
  }
  std::vector<Diagnostic> result;
  for (const auto& file : checked) {
    std::vector<Diagnostic> found;
    for (const auto& loss : file.extras.facts.losses) {
      const auto& loss_tests = referring[loss.name];
      for (const Rule* rule : file.settings->rules.rules()) {
        if (rule->project == nullptr) continue;
        auto message = rule->project(loss, loss_tests, file.settings->settings);
        if (!message) continue;
        Diagnostic diagnostic;
        diagnostic.path = file.display_path;
        diagnostic.rule = &rule->info;
        diagnostic.level = rule->info.level;
        diagnostic.message = std::move(*message);
        diagnostic.start_byte = loss.start_byte;
        diagnostic.end_byte = loss.end_byte;
        diagnostic.range = loss.range;
        diagnostic.noqa_row = loss.range.start.row;
        found.push_back(std::move(diagnostic));
      }
    }
    if (found.empty()) continue;
    found = filter_file_diagnostics(std::move(found), file.extras.suppressions, file.display_path, file.settings->settings);
    std::move(found.begin(), found.end(), std::back_inserter(result));
  }
  return result;
}

}  // namespace torchlint
