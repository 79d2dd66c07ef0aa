// TL504 tensor-augmented-assignment: `x += y` on a tensor updates it in place (`__iadd__`).
// The Python check is below; the C++ check (compound assignment to a Tensor) sits beside it.
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/python_model.h"

namespace torchlint::rules {
namespace {

void check_python(TSNode assignment, Context& context) {
  TSNode target = field_child(assignment, "left");
  if (ts_node_is_null(target) || context.kind(target) != py_kinds().identifier) return;
  const std::string_view name = context.text(target);
  if (!context.py().is_tensor_name(context.function(), name)) return;
  TSNode op = field_child(assignment, "operator");
  std::string spelled = ts_node_is_null(op) ? std::string("op=") : std::string(context.text(op));
  std::string binary = spelled.substr(0, spelled.size() - 1);
  context.report(assignment, "`" + std::string(name) + " " + spelled + " ...` updates the tensor `" +
                                 std::string(name) + "` in place; rebind it instead (`" + std::string(name) +
                                 " = " + std::string(name) + " " + binary + " ...`)");
}

}  // namespace

const Rule& tl504_tensor_augmented_assignment() {
  static const Rule rule{
      .info = {.code = "TL504",
               .name = "tensor-augmented-assignment",
               .level = Level::Error,
               .section = "Operations",
               .summary = "Augmented assignment (`x += y`) to a tensor",
               .docs = R"md(## What it does
Python: flags an augmented assignment `x op= y` (any operator: `+=`, `-=`, `*=`, `/=`, `//=`,
`%=`, `**=`, `@=`, `&=`, `|=`, `^=`, `<<=`, `>>=`) whose target `x` is a plain *known tensor
name* of the enclosing function (or of the module, at top level):

- a parameter annotated `torch.Tensor`, `Optional[torch.Tensor]`, `torch.Tensor | None`, or a
  jaxtyping array type such as `Float[torch.Tensor, "b n"]` (however torch was imported);
- a name assigned anywhere in the same function (flow-insensitively) from a call of a
  tensor-returning torch function: a function directly in `torch` (`torch.zeros`, `torch.cat`,
  `torch.matmul`, `torch.zeros_like`, ... but not `torch.device`, `torch.numel`, `torch.is_*`,
  `torch.get_*`, `torch.set_*` and the other names the catalog lists), or any function of
  `torch.nn.functional`, `torch.linalg`, `torch.fft`, `torch.special`; tuple unpacking counts
  (`values, indices = torch.sort(x)`), and so does an annotated assignment
  (`x: torch.Tensor = ...`).

Each function has its own known names: a tensor of an enclosing function is not known inside a
nested function. Not flagged: names whose value the syntax does not show as a tensor
(`total += loss.item()`, `count += 1`, results of methods such as `y = x.clone()`), attribute
targets (`self.total += x`; not a plain name) and subscript targets (`x[i] += 1`, that is
TL505).

The diagnostic is reported at the whole augmented assignment.

## Why is this bad?
The guidelines say: *never use inplace operations unless explicitly requested*. For a tensor,
`x += y` is not a rebinding: it calls `x.__iadd__(y)`, which is `x.add_(y)`. It mutates the
tensor every other reference (the caller's argument, a list, a saved activation) sees, and
autograd fails with "a leaf Variable that requires grad is being used in an in-place operation"
or "modified by an inplace operation".

## Example
```python
import torch

def accumulate(x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    x += bias
    x *= 0.5
    return x
```

Use instead:
```python
import torch

def accumulate(x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    x = x + bias
    x = x * 0.5
    return x
```

## Explicitly requested in-place code
Suppress the line: `x += bias  # noqa: TL504`.

## Options
None.

## Guideline
Operations: *Never use inplace operations (`x.add_()` etc.) unless explicitly requested.*
)md"},
      .python = {.kinds = {"augmented_assignment"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
