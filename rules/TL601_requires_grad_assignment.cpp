// TL601 requires-grad-assignment: `p.requires_grad = False` instead of `requires_grad_()`.
#include "linter/parse/walk.h"
#include "linter/run/context.h"

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

// Plain, annotated and chained assignments (`a.requires_grad = b.requires_grad = False` is two
// assignments, each reported); augmented ones (`p.requires_grad &= flag`) too.
void check_python(TSNode assignment, Context& context) {
  // `self.requires_grad: bool` (annotation only) assigns nothing.
  if (ts_node_is_null(field_child(assignment, "right"))) return;
  if (!targets_requires_grad(field_child(assignment, "left"), context)) return;
  context.report(assignment,
                 "assigning `requires_grad` directly; use `module.requires_grad_(False)` to freeze a module or "
                 "`tensor.requires_grad_()` for a tensor");
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
