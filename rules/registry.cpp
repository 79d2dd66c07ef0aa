// The one table of rules. Adding a rule: its file in rules/, one line here, its
// fixtures in fixtures/, its docs page (generated: `torchlint docs --write docs`).
#include <algorithm>
#include <array>

#include "linter/run/rule.h"

#define TORCHLINT_RULES(X) \
  X(tl001_io_error)        \
  X(tl002_syntax_error)    \
  X(tl003_unused_suppression) \
  X(tl101_missing_parameter_annotation) \
  X(tl102_missing_return_annotation) \
  X(tl103_hidden_tuple_return) \
  X(tl104_hidden_tuple_parameter) \
  X(tl105_unqualified_external_type) \
  X(tl201_tensor_factory_without_dtype) \
  X(tl202_undocumented_tensor_shape) \
  X(tl301_loss_without_distributed_handling) \
  X(tl302_collective_on_data) \
  X(tl401_function_too_long) \
  X(tl402_function_too_complex) \
  X(tl501_inplace_method_call) \
  X(tl502_inplace_keyword) \
  X(tl503_out_argument) \
  X(tl504_tensor_augmented_assignment) \
  X(tl505_tensor_item_assignment) \
  X(tl601_requires_grad_assignment) \
  X(tl602_eval_without_no_grad) \
  X(tl603_inference_function_without_no_grad) \
  X(tl701_hard_coded_device) \
  X(tl702_cuda_method_call) \
  X(tl703_factory_without_device_in_forward) \
  X(tl801_tensor_to_python_in_forward) \
  X(tl802_data_dependent_control_flow) \
  X(tl803_dict_forward_output) \
  X(tl804_variadic_forward_signature) \
  X(tl901_untested_loss)       \
  X(tl902_loss_test_missing_dtypes) \
  X(tl903_loss_test_missing_backward) \
  X(tl904_loss_test_missing_distributed)

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
