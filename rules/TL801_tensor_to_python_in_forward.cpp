// TL801 tensor-to-python-in-forward: `.item()` / `.tolist()` / `.numpy()` break tracing and export.
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"

namespace torchlint::rules {
namespace {

void check_python(TSNode call, Context& context) {
  if (!context.in_forward()) return;
  TSNode callee = field_child(call, "function");
  if (ts_node_is_null(callee) || context.kind(callee) != py_kinds().attribute) return;
  TSNode method = field_child(callee, "attribute");
  const std::string_view name = context.text(method);
  if (name != "item" && name != "tolist" && name != "numpy") return;
  context.report(method, "`." + std::string(name) +
                             "()` in a forward leaves the graph: the value becomes a Python constant in ONNX "
                             "export and tracing, and forces a device sync; keep it a tensor");
}

}  // namespace

const Rule& tl801_tensor_to_python_in_forward() {
  static const Rule rule{
      .info = {.code = "TL801",
               .name = "tensor-to-python-in-forward",
               .level = Level::Warning,
               .section = "ONNX Export",
               .summary = "`.item()` / `.tolist()` / `.numpy()` inside a forward",
               .docs = R"md(## What it does
Python: inside a forward (the `forward` method of an nn.Module subclass, and functions nested
in it), flags calls of a method named `item`, `tolist` or `numpy`: `x.item()`,
`boxes.tolist()`, `mask.cpu().numpy()`. The receiver's type is not checked: in a forward these
calls are almost always on tensors.

Outside forwards (training loops, metrics, logging) these calls are fine and not flagged.

## Why is this bad?
The guidelines ask to *design models to be ONNX exportable* and to *avoid dynamic shapes that
can't be represented in ONNX*. Converting a tensor to a Python number, list or NumPy array takes
the value out of the graph: `torch.onnx.export` and `torch.jit.trace` record it as a constant
(with a `TracerWarning`), so the exported model silently gives wrong results on other inputs;
`torch.compile` breaks the graph there. It also forces a GPU-to-CPU synchronisation on every
call.

## Example
```python
class Scale(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        factor = x.abs().max().item()
        return x / factor
```

Use instead:
```python
class Scale(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        factor = x.abs().max()
        return x / factor
```

## Options
None.

## Guideline bullet it enforces
*ONNX Export*: "Design models to be ONNX exportable when possible".
)md"},
      .python = {.kinds = {"call"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
