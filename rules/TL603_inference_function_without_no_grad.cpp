// TL603 inference-function-without-no-grad: `predict` / `infer` / `inference` functions that keep autograd on.
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/grad_mode.h"
#include "linter/semantic/python_model.h"

namespace torchlint::rules {
namespace {

bool is_inference_name(std::string_view name) {
  if (name == "predict_step") return false;  // Lightning's hook: the framework already disables gradients
  if (name == "predict" || name == "infer" || name == "inference" || name == "run_inference") return true;
  return name.starts_with("predict_") || name.starts_with("inference_") || name.starts_with("run_inference_");
}

void check_python(TSNode definition, Context& context) {
  const FunctionInfo* info = context.py().function(definition);
  if (info == nullptr || !is_inference_name(info->name)) return;
  if (info->no_grad_decorated) return;
  if (contains_no_grad_with(field_child(definition, "body"), context.py())) return;
  context.report(field_child(definition, "name"),
                 "inference function `" + std::string(info->name) +
                     "` runs with gradients enabled; decorate it with `@torch.inference_mode()` / "
                     "`@torch.no_grad()` or wrap its body in `with torch.inference_mode():`");
}

}  // namespace

const Rule& tl603_inference_function_without_no_grad() {
  static const Rule rule{
      .info = {.code = "TL603",
               .name = "inference-function-without-no-grad",
               .level = Level::Warning,
               .section = "Model State",
               .summary = "Inference function (`predict`, `infer`, ...) without `no_grad` / `inference_mode`",
               .docs = R"md(## What it does
Python: flags a function (a `def` or `async def`, top-level, method or nested) whose name is
`predict`, `infer`, `inference` or `run_inference`, or starts with `predict_`, `inference_` or
`run_inference_`, when it

- is not decorated with `@torch.no_grad()`, `@torch.no_grad`, `@torch.inference_mode()`,
  `@torch.inference_mode` or `@torch.set_grad_enabled(False)` (however `torch` was imported),
  and
- contains no `with torch.no_grad():`, `with torch.inference_mode():` or
  `with torch.set_grad_enabled(False):` anywhere in its body (any item of a multi-item `with`
  counts).

`predict_step` is never flagged: it is Lightning's hook, and Lightning already runs it without
gradients. Names are matched exactly and case-sensitively (`predictor`, `Predict`,
`model_inference` are not inference functions by this rule). `torch.inference_mode(False)` and
`torch.set_grad_enabled(flag)` with a variable do not count as disabling gradients.

## Why is this bad?
The guidelines say: *wrap inference in `torch.no_grad()` or use `torch.inference_mode()`*. A
function meant for inference that leaves autograd on records the graph of every forward pass:
memory grows with the batch, it runs slower, and the outputs drag their graph along wherever they
are stored. Putting the guard on the function itself makes every caller safe.

## Example
```python
def predict(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    model.eval()
    return model(images).argmax(dim=1)
```

Use instead:
```python
@torch.inference_mode()
def predict(model: nn.Module, images: torch.Tensor) -> torch.Tensor:
    model.eval()
    return model(images).argmax(dim=1)
```

## Options
None. A function with one of these names that really needs gradients (say, a saliency map) can
carry `# noqa: TL603` on its `def` line.

## Guideline bullet it enforces
*Model State*: "Wrap inference in `torch.no_grad()` or use `torch.inference_mode()`".
)md"},
      .python = {.kinds = {"function_definition"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
