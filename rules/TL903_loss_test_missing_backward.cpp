// TL903 loss-test-missing-backward: no test of a loss checks gradients (project-level).
#include "linter/run/rule.h"
#include "linter/semantic/project_facts.h"

namespace torchlint::rules {
namespace {

std::optional<std::string> check_project(const LossDefinition& loss, const std::vector<const TestFunction*>& tests,
                                         const Settings&) {
  if (tests.empty()) return std::nullopt;
  for (const TestFunction* test : tests) {
    if (test->calls_backward) return std::nullopt;
  }
  return "no test of loss `" + loss.name +
         "` calls `.backward()`, `torch.autograd.grad` or `torch.autograd.gradcheck`";
}

}  // namespace

const Rule& tl903_loss_test_missing_backward() {
  static const Rule rule{
      .info = {.code = "TL903",
               .name = "loss-test-missing-backward",
               .level = Level::Warning,
               .section = "Testing",
               .summary = "A loss whose tests never run the backward pass",
               .docs = R"md(## What it does
Looks at the whole project (see TL901 for what a loss, a test and "refers to" mean). Reports a
loss that tests refer to when none of those tests calls `.backward(` (including
`torch.autograd.backward(`), `torch.autograd.grad` or `torch.autograd.gradcheck` in its body.

## Why is this bad?
A loss whose forward value is right can still have a broken gradient (a detached
intermediate, a non-differentiable op, NaN at a boundary). Only a backward test catches it.

## Example
```python
def test_focal_loss() -> None:
    assert focal_loss(logits, targets).item() == pytest.approx(0.3)
```

## Use instead
```python
def test_focal_loss_backward() -> None:
    logits = torch.randn(8, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x: focal_loss(x, targets), (logits,))
```

## Guideline
Testing: *Backward pass gradient flow.*
)md"},
      .python = {},
      .cpp = {},
      .project = check_project};
  return rule;
}

}  // namespace torchlint::rules
