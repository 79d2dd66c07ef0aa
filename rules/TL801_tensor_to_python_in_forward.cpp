// TL801 tensor-to-python-in-forward: `.item()` / `.tolist()` / `.numpy()` break tracing and export.
#include <string>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/cpp_model.h"

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

// C++: `.item()` / `.item<T>()` (also through `->`) inside a `forward` member of a class derived
// from torch::nn::Module / Cloneable<...> (inline or out-of-line `NetImpl::forward`).
bool in_module_forward(const Context& context) {
  const CppModel& model = *context.cpp();
  for (TSNode ancestor : context.ancestors()) {
    if (context.kind(ancestor) == cpp_kinds().function_definition && model.is_module_forward(ancestor)) return true;
  }
  return false;
}

void check_cpp(TSNode call, Context& context) {
  TSNode callee = field_child(call, "function");
  if (ts_node_is_null(callee) || context.kind(callee) != cpp_kinds().field_expression) return;
  TSNode method = callee_name_node(callee);
  if (ts_node_is_null(method) || context.text(method) != "item") return;
  if (!in_module_forward(context)) return;
  context.report(method, "`.item()` in a forward leaves the graph: the value becomes a constant in tracing and "
                         "export, and forces a device sync; keep it a tensor");
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

## C++
In LibTorch sources the rule flags `.item()` and `.item<T>()` (also `->item<T>()`) inside a
`forward` member of a class derived from `torch::nn::Module` or `torch::nn::Cloneable<...>` (or
any other `torch::nn::` class, or a class of the same file derived from one): inline in the
class body, or defined out of line as `NetImpl::forward`. An out-of-line `XImpl::forward` whose
class is declared in a header (not in this file) counts too: `<Name>Impl` is how LibTorch names
a module's implementation (`TORCH_MODULE(Name)`). Outside such a `forward` (a loss printed in the
training loop, a helper function) `.item()` is fine.

```cpp
struct NetImpl : torch::nn::Module {
  torch::Tensor forward(torch::Tensor x) {
    if (x.sum().item<float>() > 0) x = x * 2;
    return x;
  }
};
```

Use instead:
```cpp
struct NetImpl : torch::nn::Module {
  torch::Tensor forward(torch::Tensor x) {
    return torch::where(x.sum() > 0, x * 2, x);
  }
};
```
)md"},
      .python = {.kinds = {"call"}, .make = function_check<check_python>},
      .cpp = {.kinds = {"call_expression"}, .make = function_check<check_cpp>}};
  return rule;
}

}  // namespace torchlint::rules
