// TL504 tensor-augmented-assignment: `x += y` on a tensor updates it in place (`__iadd__`).
// The Python check is below; the C++ check (compound assignment to a Tensor) sits beside it.
#include <string>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/cpp_model.h"
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

// C++: `x op= y` (`+=`, `-=`, `*=`, `/=`, `%=`, `&=`, `|=`, `^=`, `<<=`, `>>=`) whose left side is
// a local variable or parameter declared `torch::Tensor` / `at::Tensor` (any cv/ref) or
// `auto x = torch::...(...)` / `at::...(...)`. Reported at the assignment.
void check_cpp(TSNode assignment, Context& context) {
  TSNode op = field_child(assignment, "operator");
  const std::string_view spelled = context.text(op);
  if (spelled.size() < 2 || spelled == "==" || spelled.back() != '=') return;
  TSNode target = field_child(assignment, "left");
  if (ts_node_is_null(target) || context.kind(target) != cpp_kinds().identifier) return;
  if (!context.cpp()->is_tensor_variable(target, context.ancestors())) return;
  const std::string name(context.text(target));
  const std::string binary(spelled.substr(0, spelled.size() - 1));
  context.report(assignment, "`" + name + " " + std::string(spelled) + " ...` updates the tensor `" + name +
                                 "` in place; rebind it instead (`" + name + " = " + name + " " + binary + " ...`)");
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

## C++
In LibTorch sources the rule flags a compound assignment (`+=`, `-=`, `*=`, `/=`, `%=`, `&=`,
`|=`, `^=`, `<<=`, `>>=`) whose left side is a local variable or parameter declared as
`torch::Tensor` / `at::Tensor` (any cv/ref: `const at::Tensor&`, `torch::Tensor&&`; also
`Tensor` after `using namespace torch;` / `using torch::Tensor;` / `using Tensor =
torch::Tensor;` or inside `namespace at`), or declared `auto x = torch::...(...)` /
`at::...(...)` (any `auto` cv/ref, structured bindings of such a call included). The declaration
is looked up as the compiler would: the nearest earlier declaration in the enclosing blocks, then
`for` / range-`for` / `catch` / lambda / function parameters; lambdas see the enclosing
function's locals. Members (`weight_ += ...`), pointers to tensors, `int i = 0; i += 1;` and
`auto y = x.clone(); y += 1;` (a method result) are not flagged.

```cpp
torch::Tensor scale(torch::Tensor x, double factor) {
  x *= factor;
  return x;
}
```

Use instead:
```cpp
torch::Tensor scale(const torch::Tensor& x, double factor) {
  return x * factor;
}
```
)md"},
      .python = {.kinds = {"augmented_assignment"}, .make = function_check<check_python>},
      .cpp = {.kinds = {"assignment_expression"}, .make = function_check<check_cpp>}};
  return rule;
}

}  // namespace torchlint::rules
