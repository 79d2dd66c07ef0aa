// The one table of rules. Adding a rule: its file in rules/, one line here, its
// fixtures in fixtures/, its docs page (generated: `torchlint docs --write docs`).
#include <algorithm>
#include <array>

#include "linter/run/rule.h"

#define TORCHLINT_RULES(X) \
  X(tl001_io_error)        \
  X(tl002_syntax_error)    \
  X(tl501_inplace_method_call)

namespace torchlint {
namespace rules {
#define TORCHLINT_DECLARE_RULE(fn) const Rule& fn();
TORCHLINT_RULES(TORCHLINT_DECLARE_RULE)
#undef TORCHLINT_DECLARE_RULE
}  // namespace rules

std::span<const Rule* const> all_rules() {
  static const auto table = [] {
#define TORCHLINT_RULE_ENTRY(fn) &rules::fn(),
    std::vector<const Rule*> rules_list = {TORCHLINT_RULES(TORCHLINT_RULE_ENTRY)};
#undef TORCHLINT_RULE_ENTRY
    std::sort(rules_list.begin(), rules_list.end(),
              [](const Rule* a, const Rule* b) { return a->info.code < b->info.code; });
    return rules_list;
  }();
  return table;
}

const Rule* find_rule(std::string_view code) {
  for (const Rule* rule : all_rules()) {
    if (rule->info.code == code) return rule;
  }
  return nullptr;
}

std::string rule_url(const RuleInfo& info) { return std::string(TORCHLINT_DOCS_BASE_URL) + std::string(info.code); }

}  // namespace torchlint
