#include "linter/semantic/grad_mode.h"

#include "linter/parse/kinds.h"
#include "linter/parse/walk.h"
#include "linter/semantic/python_model.h"

namespace torchlint {

bool is_no_grad_with(TSNode with_statement, const PythonModel& model) {
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  const std::uint32_t count = ts_node_named_child_count(with_statement);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode clause = ts_node_named_child(with_statement, i);
    if (kinds.of(clause) != k.with_clause) continue;
    const std::uint32_t items = ts_node_named_child_count(clause);
    for (std::uint32_t j = 0; j < items; ++j) {
      TSNode item = ts_node_named_child(clause, j);
      if (kinds.of(item) != k.with_item) continue;
      TSNode value = field_child(item, "value");
      // `with torch.no_grad() as guard:` — the context manager is the pattern's first child.
      if (!ts_node_is_null(value) && kinds.of(value) == k.as_pattern) value = ts_node_named_child(value, 0);
      if (model.is_no_grad_context(value)) return true;
    }
  }
  return false;
}

bool contains_no_grad_with(TSNode node, const PythonModel& model) {
  const KindId with_kind = py_kinds().with_statement;
  const KindTable& kinds = kind_table(Language::Python);
  bool found = false;
  walk_tree(
      node,
      [&](TSNode child) {
        if (found) return false;
        if (kinds.of(child) == with_kind && is_no_grad_with(child, model)) found = true;
        return !found;
      },
      [](TSNode) {});
  return found;
}

}  // namespace torchlint
