// TL904 loss-test-missing-distributed: no test of a loss exercises distributed use (project-level).
#include "linter/run/rule.h"
#include "linter/semantic/project_facts.h"

namespace torchlint::rules {
namespace {

std::optional<std::string> check_project(const LossDefinition& loss, const std::vector<const TestFunction*>& tests,
                                         const Settings&) {
  if (tests.empty()) return std::nullopt;
  for (const TestFunction* test : tests) {
    if (test->distributed) return std::nullopt;
  }
  return "no test of loss `" + loss.name +
         "` is marked `@pytest.mark.distributed` or uses `torch.distributed` / `torch.multiprocessing`";
}

}  // namespace

const Rule& tl904_loss_test_missing_distributed() {
  static const Rule rule{
      .info = {.code = "TL904",
               .name = "loss-test-missing-distributed",
               .level = Level::Warning,
               .section = "Testing",
               .summary = "A loss whose tests never exercise distributed aggregation",
               .docs = R"md(## What it does
Looks at the whole project (see TL901 for what a loss, a test and "refers to" mean). Reports a
loss that tests refer to when none of those tests is marked `@pytest.mark.distributed` (on
the function, its `Test*` class, or module-wide through `pytestmark`) or refers, in its body,
to a qualified name under `torch.distributed` or `torch.multiprocessing`
(`dist.init_process_group`, `mp.spawn`, ...).

## Why is this bad?
Losses normalised per rank give different gradients than the single-process loss unless the
normaliser is reduced across ranks. Only a distributed test shows the aggregation is right.

## Example
```python
def test_focal_loss_backward() -> None: ...
```

## Use instead
```python
@pytest.mark.distributed
def test_focal_loss_matches_single_process() -> None:
    torch.multiprocessing.spawn(_worker, args=(2,), nprocs=2)
```

## Guideline
Testing: *Distributed scenarios* and *verify that loss values are properly aggregated in
distributed settings.*
)md"},
      .python = {},
      .cpp = {},
      .project = check_project};
  return rule;
}

}  // namespace torchlint::rules
