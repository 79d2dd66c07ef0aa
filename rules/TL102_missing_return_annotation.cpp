// TL102 missing-return-annotation: a def without `-> ...`.
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/python_model.h"
#include "linter/semantic/python_signature.h"

namespace torchlint::rules {
namespace {

void check_python(TSNode definition, Context& context) {
  const FunctionInfo* info = context.py().function(definition);
  if (info == nullptr || !ts_node_is_null(return_annotation(*info))) return;
  if (context.settings().ignore_fully_untyped && is_fully_untyped(context.py(), *info)) return;
  TSNode name = field_child(definition, "name");
  const std::string suggestion = info->name == "__init__" ? " (`-> None` for `__init__`)" : "";
  context.report(name, "function `" + std::string(info->name) + "` has no return type annotation" + suggestion);
}

}  // namespace

const Rule& tl102_missing_return_annotation() {
  static const Rule rule{
      .info = {.code = "TL102",
               .name = "missing-return-annotation",
               .level = Level::Warning,
               .section = "Type Annotations",
               .summary = "Function without a return type annotation",
               .docs = R"md(## What it does
Flags every `def` / `async def` that has no return annotation (`-> ...`), at any depth:
top-level functions, methods (`__init__` and other dunders included), nested functions.
Lambdas cannot carry annotations and are not checked. The diagnostic points at the function's
name.

## Why is this bad?
The guidelines ask for *extensive type hints for all function signatures*. Without a return
annotation a reader must read the whole body to learn what comes back (a tensor, a tuple, a
dict, `None`?), and type checkers treat the result as `Any`, so mistakes in callers go
unnoticed. `__init__` is included so that type checkers check its body too (mypy skips the
bodies of unannotated functions); annotate it `-> None`.

## Example
```python
class Encoder(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor):
        return self.proj(x)
```

Use instead:
```python
class Encoder(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x)
```

## Options
- `[annotations] ignore-fully-untyped` (default `false`): skip functions that have no
  annotation at all (no parameter annotation and no return annotation).

## Guideline
*Type Annotations*: "Use **extensive type hints** for all function signatures and variables".
)md"},
      .python = {.kinds = {"function_definition"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
