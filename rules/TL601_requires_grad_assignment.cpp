// TL601 requires-grad-assignment: `p.requires_grad = False` instead of `requires_grad_()`.
#include <optional>
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/run/fix_helpers.h"

namespace torchlint::rules {
namespace {

// True when an assignment target (or any element of a tuple/list target) is `<expr>.requires_grad`.
// find_first: no recursion, so 100,000-deep tuple targets cannot overflow the stack.
bool targets_requires_grad(TSNode target, const Context& context) {
  const PyKinds& k = py_kinds();
  const TSNode found = find_first(
      target,
      [&](TSNode node) {
        const KindId kind = context.kind(node);
        return kind == k.pattern_list || kind == k.tuple_pattern || kind == k.list_pattern || kind == k.tuple ||
               kind == k.list || kind == k.parenthesized_expression || kind == k.expression_list;
      },
      [&](TSNode node) {
        return context.kind(node) == k.attribute &&
               context.text(field_child(node, "attribute")) == "requires_grad";
      });
  return !ts_node_is_null(found);
}

// Safe fix: `X.requires_grad = V` -> `X.requires_grad_(V)`, for a plain assignment statement
// of one attribute target (not annotated, augmented, chained or tuple-valued).
std::optional<Fix> requires_grad_fix(TSNode assignment, const Context& context) {
  const PyKinds& k = py_kinds();
  if (context.kind(assignment) != k.assignment || !ts_node_is_null(field_child(assignment, "type"))) return std::nullopt;
  // The visited node's parent, from the walk's ancestor stack (ts_node_parent searches down
  // from the root: quadratic over a 100,000-deep chained assignment).
  TSNode parent = context.parent();
  if (ts_node_is_null(parent) || context.kind(parent) != k.expression_statement ||
      ts_node_named_child_count(parent) != 1) {
    return std::nullopt;
  }
  TSNode left = field_child(assignment, "left");
  TSNode right = field_child(assignment, "right");
  if (context.kind(left) != k.attribute || context.text(field_child(left, "attribute")) != "requires_grad") {
    return std::nullopt;
  }
  const KindId value = context.kind(right);
  if (value == k.assignment || value == k.augmented_assignment || value == k.expression_list || value == k.yield ||
      value == k.pattern_list) {
    return std::nullopt;
  }
  TSNode object = field_child(left, "object");
  const std::string replacement =
      std::string(context.text(object)) + ".requires_grad_(" + std::string(context.text(right)) + ")";
  return make_fix("Call `requires_grad_(...)` instead", Applicability::Safe, {replace_edit(assignment, replacement)});
}

// Plain, annotated and chained assignments (`a.requires_grad = b.requires_grad = False` is two
// assignments, each reported); augmented ones (`p.requires_grad &= flag`) too.
void check_python(TSNode assignment, Context& context) {
  // `self.requires_grad: bool` (annotation only) assigns nothing.
  if (ts_node_is_null(field_child(assignment, "right"))) return;
  if (!targets_requires_grad(field_child(assignment, "left"), context)) return;
  context.report(assignment,
                 "assigning `requires_grad` directly; use `module.requires_grad_(False)` to freeze a module or "
                 "`tensor.requires_grad_()` for a tensor",
                 requires_grad_fix(assignment, context));
}

}  // namespace

const Rule& tl601_requires_grad_assignment() {
  static const Rule rule{
      .info = {.code = "TL601",
               .name = "requires-grad-assignment",
               .level = Level::Warning,
               .section = "Model State",
               .summary = "Assignment to `.requires_grad` instead of `requires_grad_()`",
               .docs = R"md(## What it does
Flags Python assignments to an attribute named `requires_grad`:
`p.requires_grad = False`, `self.weight.requires_grad = True`, a tuple target that contains such
an attribute (`a.requires_grad, b.requires_grad = False, False`), annotated and augmented
assignments. In a chained assignment (`a.requires_grad = b.requires_grad = False`) each
assignment whose target is such an attribute is reported.

Reading the attribute (`if p.requires_grad:`), calling `requires_grad_()`, and `setattr(...)`
are not flagged.

## Why is this bad?
The guidelines ask to freeze a model with `model.requires_grad_(False)`. Setting the flag
parameter by parameter in a loop is longer, easy to get partly wrong (buffers, submodules added
later, parameters shared between modules), and hides the intent. `requires_grad_()` works on a
whole module at once and on a single tensor, and returns its receiver, so it chains.

## Example
```python
for p in backbone.parameters():
    p.requires_grad = False
```

Use instead:
```python
backbone.requires_grad_(False)
```

For a single tensor: `weight.requires_grad_()` / `weight.requires_grad_(False)`.

## Fix safety
Safe: `p.requires_grad = V` becomes `p.requires_grad_(V)` when the assignment is a statement
of its own with that single attribute target (not annotated, augmented, chained, or assigning
a tuple). The value is kept as written. Other forms get no fix.

## Options
None. Suppress a line with `# noqa: TL601` where an attribute assignment is really meant (for
example in a class that defines its own `requires_grad` property).

## Guideline bullet it enforces
*Model State*: "Use `model.requires_grad_(False)` when freezing model parameters".
)md"},
      .python = {.kinds = {"assignment", "augmented_assignment"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
