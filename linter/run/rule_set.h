#pragma once
// The rules selected for a file, with the node-kind dispatch table the walk uses.
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "linter/config/settings.h"
#include "linter/parse/kinds.h"
#include "linter/run/rule.h"

namespace torchlint {

// True when `code` is selected by the selection (catalog: `ignore` wins over `select`
// for the same prefix, the more specific prefix wins otherwise).
bool is_selected(const RuleInfo& info, const RuleSelection& selection);
// True when `pattern` is a known code, a prefix of one, or ALL.
bool is_known_code_pattern(std::string_view pattern);

class RuleSet {
 public:
  explicit RuleSet(const RuleSelection& selection);

  [[nodiscard]] bool enabled(std::string_view code) const;
  [[nodiscard]] const std::vector<const Rule*>& rules() const { return rules_; }

  struct Dispatch {
    std::vector<const Rule*> rules;                   // rules with a check for this language
    std::vector<std::vector<std::uint16_t>> on_enter;  // KindId -> indices into rules
    std::vector<std::vector<std::uint16_t>> on_leave;
  };
  [[nodiscard]] const Dispatch& dispatch(Language language) const {
    return language == Language::Python ? python_ : cpp_;
  }

 private:
  std::vector<const Rule*> rules_;
  Dispatch python_;
  Dispatch cpp_;
};

}  // namespace torchlint
