// TL101 missing-parameter-annotation: parameters of a def without a type annotation.
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/python_model.h"
#include "linter/semantic/python_signature.h"

namespace torchlint::rules {
namespace {

void check_python(TSNode definition, Context& context) {
  const FunctionInfo* info = context.py().function(definition);
  if (info == nullptr) return;
  if (context.settings().ignore_fully_untyped && is_fully_untyped(context.py(), *info)) return;
  for (const ParameterInfo& parameter : signature_parameters(context.py(), *info)) {
    if (parameter.is_implicit_receiver || !ts_node_is_null(parameter.annotation)) continue;
    context.report(parameter.node, "parameter `" + std::string(parameter.spelled) + "` of `" +
                                       std::string(info->name) + "` has no type annotation");
  }
}

}  // namespace

const Rule& tl101_missing_parameter_annotation() {
  static const Rule rule{
      .info = {.code = "TL101",
               .name = "missing-parameter-annotation",
               .level = Level::Warning,
               .section = "Type Annotations",
               .summary = "Function parameter without a type annotation",
               .docs = R"md(## What it does
Flags each parameter of a `def` / `async def` that has no type annotation: positional
parameters, keyword-only parameters, `*args` and `**kwargs` all count, with or without a
default value. Functions at any depth are checked: top-level functions, methods, nested
functions.

Not flagged:

- the first parameter of a function defined directly in a class body (`self`, `cls`, `mcs`,
  whatever it is called), unless the function is decorated `@staticmethod`;
- the bare `*` and `/` markers, which are not parameters;
- lambda parameters (a lambda cannot carry annotations).

The diagnostic points at the parameter (for `*args` at its `*`).

## Why is this bad?
The guidelines ask for *extensive type hints for all function signatures*. An unannotated
parameter tells the reader nothing about what to pass (a tensor? a list of tensors? a
NumPy array?), and type checkers and IDEs cannot help callers.

## Example
```python
class Head(nn.Module):
    def forward(self, features, mask=None, *extra):
        ...

def scale(x, factor: float) -> torch.Tensor:
    return x * factor
```

Use instead:
```python
class Head(nn.Module):
    def forward(
        self, features: torch.Tensor, mask: torch.Tensor | None = None, *extra: torch.Tensor
    ) -> torch.Tensor:
        ...

def scale(x: torch.Tensor, factor: float) -> torch.Tensor:
    return x * factor
```

## Options
- `[annotations] ignore-fully-untyped` (default `false`): skip functions that have no
  annotation at all (no parameter annotation and no return annotation), so that a code base can
  adopt annotations file by file while partly annotated functions are still completed.

## Guideline
*Type Annotations*: "Use **extensive type hints** for all function signatures and variables".
)md"},
      .python = {.kinds = {"function_definition"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
