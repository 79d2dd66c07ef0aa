// TL401 function-too-long: functions with more statements than `max-statements`.
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
  const int limit = context.settings().max_statements;
  const int statements = statement_count(definition);
  if (statements <= limit) return;
  TSNode name = field_child(definition, "name");
  context.report(name, "function `" + std::string(context.text(name)) + "` has " + std::to_string(statements) +
                           " statements (more than " + std::to_string(limit) +
                           "); split it into smaller functions with one responsibility each");
}

// C++: every function definition (free, member, out-of-line, template, constructor), reported at
// its declarator's name (`forward`, `NetImpl::forward`, `operator()`).
void check_cpp(TSNode definition, Context& context) {
  TSNode name = context.cpp()->function_name(definition);
  if (ts_node_is_null(name)) return;
  const int limit = context.settings().max_statements;
  const int statements = cpp_statement_count(definition);
  if (statements <= limit) return;
  context.report(name, "function `" + std::string(context.text(name)) + "` has " + std::to_string(statements) +
                           " statements (more than " + std::to_string(limit) +
                           "); split it into smaller functions with one responsibility each");
}

}  // namespace

const Rule& tl401_function_too_long() {
  static const Rule rule{
      .info = {.code = "TL401",
               .name = "function-too-long",
               .level = Level::Warning,
               .section = "Code Structure",
               .summary = "Function with more statements than `max-statements`",
               .docs = R"md(## What it does
Flags a function whose body has more than `max-statements` statements (default 50).

Python: every simple statement counts once (an assignment, an expression such as a call or a
docstring, `return`, `pass`, `import`, ...; `a = 1; b = 2` is two), and so does every clause
header of a compound statement: `if`, each `elif`, `else`, `for`, `while`, `try`, each
`except`, `finally`, `with`, `match`, each `case`, `def`, `class` (a multi-line header counts
once). The statements inside the clauses count too. The body of a nested function counts only
for the nested function (which is checked on its own); its `def` line counts once for the
enclosing function. The function's own `def` line is not counted. The diagnostic points at the
function's name.

## Why is this bad?
The guidelines ask to *decompose logic into small, meaningful functions* and to *avoid
monolithic functions with multiple responsibilities*. A training step that loads data, moves it
to the device, runs the model, computes three losses, logs and checkpoints in one 200-line
function cannot be tested or reused piece by piece.

## Example
```python
def train_step(batch, model, optimizer):
    images = batch["images"].to(device)
    # ... 60 more statements: augmentation, forward, losses, logging, checkpointing
```

Use instead:
```python
def train_step(batch: Batch, model: nn.Module, optimizer: Optimizer) -> StepOutput:
    inputs = prepare_inputs(batch)
    outputs = model(inputs.images)
    losses = compute_losses(outputs, inputs.targets)
    apply_gradients(losses.total, optimizer)
    return StepOutput(losses=losses)
```

## Options
- `[structure] max-statements` (default `50`): the largest allowed number of statements.

## Guideline
*Code Structure*: "**Decompose logic** into small, meaningful functions"; "Avoid monolithic
functions with multiple responsibilities".

## C++
In C++, CUDA and header files every function definition is checked — free functions, member
functions defined in the class or out of line (`NetImpl::forward`), templates, constructors,
operators — and the diagnostic points at the declarator's name (`forward`, `NetImpl::forward`).
Counted once each: expression statements, local declarations (`int a, b;` is one),
`return` / `break` / `continue` / `goto` / `throw`, and the header of every compound statement:
`if`, `else` (an `else if` counts once, as its `if`), `for`, range-`for`, `while`, `do`,
`switch`, each `case` / `default` label, `try`, each `catch`. A bare `{ ... }` block, a label, a
`for`'s init-declaration and an `if (auto x = ...)` condition add nothing. Lambdas and member
functions of local classes are nested functions: their statements do not count for the
enclosing function (and a lambda, having no name, is not reported itself). Code in both
branches of `#if` / `#else` is counted.

```cpp
torch::Tensor train_epoch(Net& model, Loader& loader, torch::optim::Optimizer& opt) {
  // ... 60 statements of loading, stepping, logging and checkpointing ...
}
```

Use instead: one function per responsibility (`train_step`, `log_metrics`,
`save_checkpoint`) called from a short loop.
)md"},
      .python = {.kinds = {"function_definition"}, .make = function_check<check_python>},
      .cpp = {.kinds = {"function_definition"}, .make = function_check<check_cpp>}};
  return rule;
}

}  // namespace torchlint::rules
