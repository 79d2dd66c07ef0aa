// TL402 function-too-complex: McCabe complexity above `max-complexity`.
#include <string>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/cpp_metrics.h"
#include "linter/semantic/cpp_model.h"
#include "linter/semantic/python_metrics.h"
#include "linter/semantic/python_model.h"

namespace torchlint::rules {
namespace {

void check_python(TSNode definition, Context& context) {
  const FunctionInfo* info = context.py().function(definition);
  // mccabe folds nested functions into the enclosing function's graph.
  if (info == nullptr || is_folded_into_enclosing_function(*info)) return;
  const int limit = context.settings().max_complexity;
  const int complexity = mccabe_complexity(definition);
  if (complexity <= limit) return;
  context.report(field_child(definition, "name"),
                 "function `" + std::string(info->name) + "` is too complex (McCabe " + std::to_string(complexity) +
                     ", more than " + std::to_string(limit) + "); split it into smaller functions");
}

// C++: 1 + each `if`, `for`, range-for, `while`, `do`, `case`, `catch` and `?:`; lambdas are
// folded into the enclosing function. Reported at the declarator's name.
void check_cpp(TSNode definition, Context& context) {
  TSNode name = context.cpp()->function_name(definition);
  if (ts_node_is_null(name)) return;
  const int limit = context.settings().max_complexity;
  const int complexity = cpp_complexity(definition);
  if (complexity <= limit) return;
  context.report(name, "function `" + std::string(context.text(name)) + "` is too complex (cyclomatic " +
                           std::to_string(complexity) + ", more than " + std::to_string(limit) +
                           "); split it into smaller functions");
}

}  // namespace

const Rule& tl402_function_too_complex() {
  static const Rule rule{
      .info = {.code = "TL402",
               .name = "function-too-complex",
               .level = Level::Warning,
               .section = "Code Structure",
               .summary = "Function with McCabe complexity above `max-complexity`",
               .docs = R"md(## What it does
Flags a function whose McCabe cyclomatic complexity is above `max-complexity` (default 10).

Python: the complexity is exactly the number the `mccabe` package (0.7) computes, which is what
`flake8 --max-complexity` reports as C901. In short: one, plus one for each `if`, `elif`,
`for`, `while` (with or without `else`), plus one for each `try` and one more for each of its
`except` clauses; `with`, `else` branches, boolean operators, comprehensions, `assert` and
conditional expressions add nothing. mccabe's own conventions are kept:

- nested functions (and methods of classes defined inside a function) are folded into the
  enclosing function: each adds one to it, plus its own branches, and it gets no diagnostic of
  its own;
- a `finally` block is not looked at, and `match` statements and `try` statements with
  `except*` count as single statements (mccabe 0.7 has no rule for them).

A function defined inside a module-level `if` / `try` / `for` / `while` is checked on its own
(mccabe itself would fold it into a graph named after that statement). The diagnostic points
at the function's name.

## Why is this bad?
The guidelines ask to *avoid monolithic functions with multiple responsibilities* and to write
code that *reads like plain English*. Every branch doubles the paths a reader (and a test) has
to follow; a function with a dozen branches is rarely tested on all of them.

## Example
```python
def build_optimizer(cfg, model):
    if cfg.name == "sgd":
        ...
    elif cfg.name == "adam":
        ...
    # ... ten more branches, each with nested ifs
```

Use instead:
```python
OPTIMIZERS: dict[str, Callable[[OptimizerConfig, nn.Module], Optimizer]] = {
    "sgd": build_sgd,
    "adam": build_adam,
}

def build_optimizer(cfg: OptimizerConfig, model: nn.Module) -> Optimizer:
    return OPTIMIZERS[cfg.name](cfg, model)
```

## Options
- `[structure] max-complexity` (default `10`): the largest allowed complexity.

## Guideline
*Code Structure*: "Avoid monolithic functions with multiple responsibilities"; "Write code that
reads like plain English".

## C++
In C++, CUDA and header files the complexity of a function definition is 1 plus one for each
`if` (an `else if` is another `if`; `if constexpr` too), `for`, range-`for`, `while`, `do`,
`case` label (`default:` is not a decision), `catch` and conditional operator `?:`. `&&` and `||`
do not count, as in mccabe. Lambdas are folded into the function they are written in (as mccabe
folds nested functions); member functions of local classes are separate functions. Code in both
branches of `#if` / `#else` is counted. The diagnostic points at the declarator's name
(`forward`, `NetImpl::forward`).

```cpp
torch::Tensor activation(const std::string& name, torch::Tensor x) {
  if (name == "relu") return torch::relu(x);
  else if (name == "gelu") return torch::gelu(x);
  // ... ten more branches ...
}
```

Use instead: a table from names to functions (`std::unordered_map<std::string,
std::function<torch::Tensor(torch::Tensor)>>`), or one small function per case.
)md"},
      .python = {.kinds = {"function_definition"}, .make = function_check<check_python>},
      .cpp = {.kinds = {"function_definition"}, .make = function_check<check_cpp>}};
  return rule;
}

}  // namespace torchlint::rules
