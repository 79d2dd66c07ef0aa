// TL505 tensor-item-assignment: `x[mask] = 0` writes into a tensor in place.
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/python_model.h"

namespace torchlint::rules {
namespace {

// The known tensor name that target `x[i]` (or `x[i][j]`) writes into, or empty.
std::string_view subscripted_tensor(TSNode target, const Context& context) {
  const PyKinds& k = py_kinds();
  if (context.kind(target) != k.subscript) return {};
  TSNode base = target;
  while (context.kind(base) == k.subscript) base = field_child(base, "value");
  if (ts_node_is_null(base) || context.kind(base) != k.identifier) return {};
  const std::string_view name = context.text(base);
  return context.py().is_tensor_name(context.function(), name) ? name : std::string_view();
}

// Searches a target, or each element of a tuple / list target (`x[0], y = ...`), in
// source order (find_first: no recursion, so 100,000-deep targets cannot overflow the stack).
std::string_view written_tensor(TSNode target, const Context& context) {
  const PyKinds& k = py_kinds();
  std::string_view name;
  find_first(
      target,
      [&](TSNode node) {
        const KindId kind = context.kind(node);
        return kind == k.pattern_list || kind == k.tuple_pattern || kind == k.list_pattern || kind == k.tuple ||
               kind == k.list || kind == k.parenthesized_expression;
      },
      [&](TSNode node) {
        name = subscripted_tensor(node, context);
        return !name.empty();
      });
  return name;
}

void check_python(TSNode assignment, Context& context) {
  const PyKinds& k = py_kinds();
  // `a = x[0] = 1` is one statement: tree-sitter nests the second `=` as the right side of the
  // first. Judge it once, at the outermost assignment, over every target of the chain.
  TSNode parent = context.parent();
  if (!ts_node_is_null(parent) && context.kind(parent) == k.assignment &&
      ts_node_eq(field_child(parent, "right"), assignment)) {
    return;
  }
  std::string_view name;
  for (TSNode node = assignment; name.empty() && !ts_node_is_null(node);) {
    name = written_tensor(field_child(node, "left"), context);
    if (context.kind(node) != k.assignment) break;
    TSNode right = field_child(node, "right");
    node = !ts_node_is_null(right) && context.kind(right) == k.assignment ? right : TSNode{};
  }
  if (name.empty()) return;
  context.report(assignment, "item assignment writes into the tensor `" + std::string(name) +
                                 "` in place; build a new tensor instead (e.g. `torch.where(mask, value, " +
                                 std::string(name) + ")`, `" + std::string(name) + ".masked_fill(mask, value)`, `" +
                                 std::string(name) + ".index_put(...)`)");
}

}  // namespace

const Rule& tl505_tensor_item_assignment() {
  static const Rule rule{
      .info = {.code = "TL505",
               .name = "tensor-item-assignment",
               .level = Level::Warning,
               .section = "Operations",
               .summary = "Item assignment into a tensor (`x[mask] = 0`)",
               .docs = R"md(## What it does
Python: flags an assignment, plain or augmented, whose target is a subscript of a *known tensor
name* of the enclosing function (or of the module, at top level): `x[mask] = 0`,
`x[:, 0] = y`, `x[i] += 1`, `x[..., :2] *= scale`. Known tensor names are those of TL504:
parameters annotated `torch.Tensor` (directly, through `Optional[...]` / `| None`, or as a
jaxtyping array type) and names assigned in the same function from a tensor-returning torch
function (`x = torch.zeros(n)`, `values, indices = torch.sort(x)`, `x: torch.Tensor = ...`).

Also flagged: a chained subscript of a known tensor (`x[i][j] = 0` writes into `x` through
the view `x[i]`), and a tuple target with such an element (`x[0], n = y, 1`). A chained
assignment (`a = x[0] = 1`) is one statement and one diagnostic.

Not flagged: subscripts of names not known to be tensors (`d["key"] = v`, `row[i] = 0` for a
list), attribute subscripts (`self.buf[i] = 0`, `x.data[i] = 0`: the syntax does not show that
they are tensors of this function), and reading a subscript (`y = x[mask]`).

The diagnostic is reported at the whole assignment.

## Why is this bad?
The guidelines say: *never use inplace operations unless explicitly requested*. `x[mask] = 0`
calls `x.__setitem__`, an in-place `index_put_` / `copy_`: it mutates a tensor other code may
hold, and autograd fails ("a view of a leaf Variable that requires grad is being used in an
in-place operation") or produces wrong gradients when the old values were saved for backward.
Item assignment also does not export to ONNX cleanly.

## Example
```python
import torch

def clip_negative(x: torch.Tensor) -> torch.Tensor:
    x[x < 0] = 0.0
    return x
```

Use instead:
```python
import torch

def clip_negative(x: torch.Tensor) -> torch.Tensor:
    return torch.where(x < 0, torch.zeros_like(x), x)
```

(or `x.masked_fill(x < 0, 0.0)`, `x.clamp(min=0)`, `x.index_put((idx,), values)`.)

## Explicitly requested in-place code
Suppress the line: `x[mask] = 0  # noqa: TL505`.

## Options
None.

## Guideline
Operations: *Never use inplace operations (`x.add_()` etc.) unless explicitly requested.*
)md"},
      .python = {.kinds = {"assignment", "augmented_assignment"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
