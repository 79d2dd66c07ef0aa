#include "linter/run/rule_set.h"

#include <algorithm>
#include <stdexcept>

namespace torchlint {
namespace {

// Length of the longest pattern matching `code` (ALL matches with length 0), -1 if none.
int best_match(std::string_view code, const std::vector<std::string>& patterns, bool exact_only) {
  int best = -1;
  for (const auto& pattern : patterns) {
    if (pattern == "ALL") {
      if (!exact_only) best = std::max(best, 0);
    } else if (exact_only ? code == pattern : code.starts_with(pattern)) {
      best = std::max(best, static_cast<int>(pattern.size()));
    }
  }
  return best;
}

RuleSet::Dispatch build_dispatch(const std::vector<const Rule*>& rules, Language language) {
  RuleSet::Dispatch dispatch;
  const KindTable& kinds = kind_table(language);
  dispatch.on_enter.resize(kinds.size());
  dispatch.on_leave.resize(kinds.size());
  for (const Rule* rule : rules) {
    const LanguageHooks& hooks = language == Language::Python ? rule->python : rule->cpp;
    if (hooks.make == nullptr) continue;
    const auto index = static_cast<std::uint16_t>(dispatch.rules.size());
    dispatch.rules.push_back(rule);
    auto add = [&](const std::vector<std::string_view>& names, std::vector<std::vector<std::uint16_t>>& table) {
      for (auto name : names) {
        const KindId id = kinds.named(name);
        if (id == kNoKind) {
          throw std::logic_error("rule " + std::string(rule->info.code) + " asks for unknown node kind '" +
                                 std::string(name) + "'");
        }
        table[id].push_back(index);
      }
    };
    add(hooks.kinds, dispatch.on_enter);
    add(hooks.leave_kinds, dispatch.on_leave);
  }
  return dispatch;
}

}  // namespace

bool is_selected(const RuleInfo& info, const RuleSelection& selection) {
  std::vector<std::string> selects = selection.select;
  selects.insert(selects.end(), selection.extend_select.begin(), selection.extend_select.end());
  // Rules off by default, and preview rules without --preview, need their exact code.
  const bool exact_only = !info.default_enabled || (info.preview && !selection.preview);
  const int selected = best_match(info.code, selects, exact_only);
  if (selected < 0) return false;
  const int ignored = best_match(info.code, selection.ignore, false);
  return ignored < selected;  // ignored == -1 when nothing ignores it; a tie goes to ignore
}

bool is_known_code_pattern(std::string_view pattern) {
  if (pattern == "ALL") return true;
  for (const Rule* rule : all_rules()) {
    if (!pattern.empty() && rule->info.code.starts_with(pattern)) return true;
  }
  return false;
}

RuleSet::RuleSet(const RuleSelection& selection) {
  for (const Rule* rule : all_rules()) {
    if (is_selected(rule->info, selection)) rules_.push_back(rule);
  }
  python_ = build_dispatch(rules_, Language::Python);
  cpp_ = build_dispatch(rules_, Language::Cpp);
}

bool RuleSet::enabled(std::string_view code) const {
  return std::any_of(rules_.begin(), rules_.end(), [&](const Rule* rule) { return rule->info.code == code; });
}

}  // namespace torchlint
