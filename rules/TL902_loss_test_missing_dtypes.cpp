// TL902 loss-test-missing-dtypes: the dtype parametrisations of a loss's tests, taken
// together, miss float32, bfloat16, float16 or a configured dtype (project-level).
#include <algorithm>
#include <set>

#include "linter/config/settings.h"
#include "linter/run/rule.h"
#include "linter/semantic/project_facts.h"

namespace torchlint::rules {
namespace {

std::vector<std::string> required_dtypes(const Settings& settings) {
  std::vector<std::string> required = {"torch.float32", "torch.bfloat16", "torch.float16"};
  for (const auto& name : settings.required_dtypes) {
    std::string qualified = name.starts_with("torch.") ? name : "torch." + name;
    std::string canonical = canonical_dtype(qualified);
    if (canonical.empty()) canonical = qualified;
    if (std::find(required.begin(), required.end(), canonical) == required.end()) required.push_back(canonical);
  }
  return required;
}

std::optional<std::string> check_project(const LossDefinition& loss, const std::vector<const TestFunction*>& tests,
                                         const Settings& settings) {
  if (tests.empty()) return std::nullopt;  // TL901's case
  std::set<std::string> covered;
  for (const TestFunction* test : tests) covered.insert(test->dtypes.begin(), test->dtypes.end());
  std::string missing;
  for (const auto& dtype : required_dtypes(settings)) {
    if (covered.contains(dtype)) continue;
    missing += (missing.empty() ? "" : ", ") + ("`" + dtype + "`");
  }
  if (missing.empty()) return std::nullopt;
  return "tests of loss `" + loss.name + "` are not parametrised over dtype " + missing;
}

}  // namespace

const Rule& tl902_loss_test_missing_dtypes() {
  static const Rule rule{
      .info = {.code = "TL902",
               .name = "loss-test-missing-dtypes",
               .level = Level::Warning,
               .section = "Testing",
               .summary = "A loss whose tests do not cover float32, bfloat16 and float16",
               .docs = R"md(## What it does
Looks at the whole project (see TL901 for what a loss, a test, a test file and "refers to"
mean). For a loss that tests refer to, it collects the `dtype` parametrisations of all those
tests together, and reports the loss when they do not cover all three of `torch.float32`,
`torch.bfloat16` and `torch.float16` (plus any `[testing] required-dtypes`). The message lists
the missing dtypes.

A `dtype` parametrisation is `@pytest.mark.parametrize` with an argument named `dtype`
(`"dtype"`, `"dtype, device"` with tuples, or a list of names), given on the test function,
on its `Test*` class, or module-wide (`pytestmark = ...`), with values written out, wrapped in
`pytest.param(...)` (`ids=` and marks are fine), or taken from a module-level list
(`DTYPES = [torch.float32, ...]`). Aliases count: `torch.half` is `torch.float16`,
`torch.float` is `torch.float32`. Tests that are not parametrised over `dtype` (a float64
`gradcheck`, say) neither help nor hurt.

## Why is this bad?
Losses that work in float32 often overflow in float16 or lose precision in bfloat16; mixed
precision training uses both.

## Example
```python
@pytest.mark.parametrize("dtype", [torch.float32])
def test_focal_loss(dtype): ...
```

## Use instead
```python
DTYPES = [torch.float32, torch.bfloat16, torch.float16]

@pytest.mark.parametrize("dtype", DTYPES)
def test_focal_loss(dtype: torch.dtype) -> None: ...
```

## Options
- `[testing] required-dtypes`: more dtypes to require (`["float64"]` or `["torch.float64"]`).

## Guideline
Testing: *Different dtypes (float32, bfloat16, float16).*
)md"},
      .python = {},
      .cpp = {},
      .project = check_project};
  return rule;
}

}  // namespace torchlint::rules
