// TL802 data-dependent-control-flow: branching in a forward on values computed from tensors.
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/python_model.h"

namespace torchlint::rules {
namespace {

// `x.item()`, `x.any()`, `x.all()` on a value, or `torch.any/all/equal/is_nonzero(...)`.
bool reads_tensor_value(TSNode call, const Context& context) {
  TSNode callee = field_child(call, "function");
  if (ts_node_is_null(callee)) return false;
  if (auto qualified = context.py().qualified_name(callee)) {
    // Through an import: only torch's own functions (np.any(...) is NumPy's business).
    return *qualified == "torch.any" || *qualified == "torch.all" || *qualified == "torch.equal" ||
           *qualified == "torch.is_nonzero" || *qualified == "torch.Tensor.item" || *qualified == "torch.Tensor.any" ||
           *qualified == "torch.Tensor.all";
  }
  if (context.kind(callee) != py_kinds().attribute) return false;
  const std::string_view method = context.text(field_child(callee, "attribute"));
  return method == "item" || method == "any" || method == "all";
}

bool contains_value_read(TSNode condition, const Context& context) {
  const KindId call = py_kinds().call;
  bool found = false;
  walk_tree(
      condition,
      [&](TSNode node) {
        if (found) return false;
        if (context.kind(node) == call && reads_tensor_value(node, context)) found = true;
        return !found;
      },
      [](TSNode) {});
  return found;
}

// The condition of `body if condition else alternative`: its second named child that is not a
// comment (a parenthesised conditional may hold comments between its parts).
TSNode conditional_condition(TSNode conditional, const Context& context) {
  std::uint32_t seen = 0;
  const std::uint32_t count = ts_node_named_child_count(conditional);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(conditional, i);
    if (context.kind(child) == py_kinds().comment) continue;
    if (++seen == 2) return child;
  }
  return {};
}

TSNode condition_of(TSNode node, const Context& context) {
  const PyKinds& k = py_kinds();
  if (context.kind(node) == k.conditional_expression) return conditional_condition(node, context);
  return field_child(node, "condition");
}

void check_python(TSNode node, Context& context) {
  if (!context.in_forward()) return;
  TSNode condition = condition_of(node, context);
  if (ts_node_is_null(condition) || !contains_value_read(condition, context)) return;
  context.report(condition,
                 "control flow in a forward depends on tensor values; tracing and ONNX export record only the "
                 "branch taken: use `torch.where`, masking, or move the decision out of the model");
}

}  // namespace

const Rule& tl802_data_dependent_control_flow() {
  static const Rule rule{
      .info = {.code = "TL802",
               .name = "data-dependent-control-flow",
               .level = Level::Warning,
               .section = "ONNX Export",
               .summary = "`if` / `while` on tensor values inside a forward",
               .docs = R"md(## What it does
Python: inside a forward (the `forward` method of an nn.Module subclass, and functions nested
in it), flags the condition of an `if`, `elif`, `while` or conditional expression
(`a if cond else b`) when it contains a call that reads tensor values:

- a method call `.item()`, `.any()` or `.all()` (`if mask.any():`, `while err.item() > tol:`);
- `torch.any(...)`, `torch.all(...)`, `torch.equal(...)`, `torch.is_nonzero(...)`, however
  `torch` was imported.

Calls of other modules' functions with those names (`np.any(a)`, `math`...) and the builtins
`any()` / `all()` (on Python iterables) are not flagged, nor are conditions on shapes, flags or
`self.training`. One diagnostic per condition.

## Why is this bad?
The guidelines ask to *design models to be ONNX exportable* and to *avoid dynamic shapes that
can't be represented in ONNX*. Python control flow that depends on tensor values is evaluated
once when the model is traced or exported: the exported graph contains only the branch taken
for the example input, silently wrong for others. It also synchronises the GPU with the CPU and
breaks `torch.compile` graphs.

## Example
```python
class ClampNegative(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if (x < 0).any():
            x = x.clamp(min=0)
        return x
```

Use instead:
```python
class ClampNegative(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.where(x < 0, torch.zeros_like(x), x)
```

## Options
None.

## Guideline bullet it enforces
*ONNX Export*: "Avoid dynamic shapes that can't be represented in ONNX" and "Design models to
be ONNX exportable when possible".
)md"},
      .python = {.kinds = {"if_statement", "elif_clause", "while_statement", "conditional_expression"},
                 .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
