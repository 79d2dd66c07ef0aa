// TL503 out-argument: `torch.add(a, b, out=c)` writes into an existing tensor.
// The Python check is below; the C++ check (`at::add_out(...)`) sits beside it.
#include <string>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/cpp_model.h"
#include "linter/semantic/python_model.h"

namespace torchlint::rules {
namespace {

// The `out=` keyword argument of a call, or a null node.
TSNode out_keyword(TSNode call, const Context& context) {
  const PyKinds& k = py_kinds();
  TSNode arguments = field_child(call, "arguments");
  if (ts_node_is_null(arguments) || context.kind(arguments) != k.argument_list) return TSNode{};
  const std::uint32_t count = ts_node_named_child_count(arguments);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode argument = ts_node_named_child(arguments, i);
    if (context.kind(argument) == k.keyword_argument && context.text(field_child(argument, "name")) == "out") {
      return argument;
    }
  }
  return TSNode{};
}

void check_python(TSNode call, Context& context) {
  TSNode keyword = out_keyword(call, context);
  if (ts_node_is_null(keyword)) return;
  auto qualified = context.py().callee_name(call);
  if (!qualified || !qualified->starts_with("torch.")) return;
  context.report(keyword, "`out=` makes `" + *qualified +
                              "` overwrite an existing tensor in place; bind the result instead (`y = " +
                              *qualified + "(...)`)");
}

// C++: a call of a `torch::` / `at::` function whose name ends in `_out` (`at::add_out`,
// `torch::matmul_out`, `at::cpu::add_out`). Reported at the callee.
void check_cpp(TSNode call, Context& context) {
  TSNode callee = field_child(call, "function");
  if (ts_node_is_null(callee) || context.kind(callee) == cpp_kinds().field_expression) return;
  const std::string qualified = context.cpp()->callee_name(call, context.ancestors());
  if (!qualified.starts_with("torch::") && !qualified.starts_with("at::")) return;
  if (!qualified.ends_with("_out")) return;
  context.report(callee, "`" + qualified +
                             "` writes into a caller-provided tensor (an in-place write autograd cannot track); "
                             "call the functional form and bind its result");
}

}  // namespace

const Rule& tl503_out_argument() {
  static const Rule rule{
      .info = {.code = "TL503",
               .name = "out-argument",
               .level = Level::Warning,
               .section = "Operations",
               .summary = "`out=` argument of a torch function",
               .docs = R"md(## What it does
Python: flags an `out=` keyword argument in a call whose callee's qualified name starts with
`torch.`: `torch.add(a, b, out=c)`, `torch.cat(parts, out=buffer)`,
`torch.matmul(a, b, out=result)`, `torch.linalg.norm(x, out=n)`, however torch was imported
(`import torch as T; T.add(a, b, out=c)`, `from torch import cat; cat(xs, out=y)`).

Not flagged: `out=` given to functions of other libraries (`np.add(a, b, out=c)`), to methods
called on a value whose type the syntax does not show (`x.add(y, out=z)`), and `out` used as
a plain name or parameter (`out = torch.add(a, b)`).

The diagnostic is reported at the keyword argument (`out=c`).

## Why is this bad?
The guidelines say: *never use inplace operations unless explicitly requested* and *use
functional style operations where possible*. An `out=` argument is an in-place write: it
overwrites a tensor that other code (or autograd) may still hold, it is not differentiable
(`out=` functions refuse tensors that require grad), and it resizes the target silently when
shapes differ.

## Example
```python
import torch

def combine(a: torch.Tensor, b: torch.Tensor, buffer: torch.Tensor) -> torch.Tensor:
    torch.add(a, b, out=buffer)
    return buffer
```

Use instead:
```python
import torch

def combine(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.add(a, b)
```

## Explicitly requested in-place code
Suppress the line: `torch.add(a, b, out=buffer)  # noqa: TL503`.

## Options
None.

## Guideline
Operations: *Never use inplace operations unless explicitly requested; use functional style
operations where possible.*

## C++
In LibTorch sources the rule flags calls of `torch::` / `at::` functions whose name ends in
`_out` — the C++ spelling of `out=`: `at::add_out(result, a, b)`, `torch::matmul_out(c, a, b)`,
`at::cpu::add_out(...)`, also when `using namespace at;` or a namespace alias shortens the name.
The diagnostic is reported at the callee (`at::add_out`). Methods (`x.add_out(...)`) and
functions of other namespaces are not flagged.

```cpp
at::Tensor result = at::empty_like(a);
at::add_out(result, a, b);
```

Use instead:
```cpp
at::Tensor result = at::add(a, b);
```
)md"},
      .python = {.kinds = {"call"}, .make = function_check<check_python>},
      .cpp = {.kinds = {"call_expression"}, .make = function_check<check_cpp>}};
  return rule;
}

}  // namespace torchlint::rules
