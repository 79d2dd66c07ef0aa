// TL901 untested-loss: a loss that no test refers to (project-level).
#include "linter/config/settings.h"
#include "linter/run/rule.h"
#include "linter/semantic/project_facts.h"

namespace torchlint::rules {
namespace {

std::optional<std::string> check_project(const LossDefinition& loss, const std::vector<const TestFunction*>& tests,
                                         const Settings&) {
  if (!tests.empty()) return std::nullopt;
  return "loss `" + loss.name + "` is not referred to by any test under the project root";
}

}  // namespace

const Rule& tl901_untested_loss() {
  static const Rule rule{
      .info = {.code = "TL901",
               .name = "untested-loss",
               .level = Level::Warning,
               .section = "Testing",
               .summary = "A loss function that no test refers to",
               .docs = R"md(## What it does
Looks at the whole project. A **loss** is a public (no leading `_`) top-level function whose
name contains `loss`, or a public top-level class whose name contains `Loss`, defined in a
file that is not a test file. A **test** is a function named `test*` at the top level of a
test file, or in a top-level class named `Test*` there. Test files are `test_*.py`,
`*_test.py`, `conftest.py`, any `.py` under a directory named `tests` or `test`, and the
`[testing] test-patterns` globs; they are found under the project root (the directory of the
configuration file, else the current directory), whether or not they were named on the
command line, honouring `.gitignore` and the default excludes (`exclude` keeps files from
being checked, not from the test index).

A test *refers to* a loss when its body contains the loss's name as an identifier; an
attribute name counts (`losses.focal_loss(...)`) unless the attribute resolves to a qualified
name under `torch` (`F.smooth_l1_loss`). Only the test's own body counts (not its decorators
or the helpers it calls).

This rule reports a loss that no test refers to. TL9 findings are reported only in the files
being checked, so a pre-commit run that passes only the changed loss file reports the same
findings for it as a whole-project run.

## Why is this bad?
The guidelines ask for comprehensive tests of every loss function: forward correctness,
gradient flow, the dtypes used in training, and distributed aggregation. An untested loss
silently breaks training.

## Example
```python
# src/losses.py
def focal_loss(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor: ...
```
with no test mentioning `focal_loss`.

## Use instead
```python
# tests/test_losses.py
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_focal_loss(dtype: torch.dtype) -> None:
    loss = focal_loss(logits.to(dtype), targets.to(dtype))
    loss.backward()
```

## Options
- `[testing] test-patterns`: more globs that name test files.

## Guideline
Testing: *Write comprehensive tests for loss functions.*
)md"},
      .python = {},
      .cpp = {},
      .project = check_project};
  return rule;
}

}  // namespace torchlint::rules
