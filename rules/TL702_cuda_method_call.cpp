// TL702 cuda-method-call: `x.cuda()` pins code to CUDA; `.to(device)` does not.
#include "linter/parse/cpp_kinds.h"
#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/cpp_model.h"

namespace torchlint::rules {
namespace {

void check_python(TSNode call, Context& context) {
  TSNode callee = field_child(call, "function");
  if (ts_node_is_null(callee) || context.kind(callee) != py_kinds().attribute) return;
  TSNode method = field_child(callee, "attribute");
  if (context.text(method) != "cuda") return;
  context.report(method, "`.cuda()` ties the code to CUDA; use `.to(device)` with a device chosen at run time");
}

// C++: `x.cuda()`, `model->cuda()`, `t.cuda(0)` (the callee's field is `cuda`).
void check_cpp(TSNode call, Context& context) {
  TSNode callee = field_child(call, "function");
  if (ts_node_is_null(callee) || context.kind(callee) != cpp_kinds().field_expression) return;
  TSNode method = callee_name_node(callee);
  if (ts_node_is_null(method) || context.text(method) != "cuda") return;
  context.report(method, "`.cuda()` ties the code to CUDA; use `.to(device)` with a device chosen at run time");
}

}  // namespace

const Rule& tl702_cuda_method_call() {
  static const Rule rule{
      .info = {.code = "TL702",
               .name = "cuda-method-call",
               .level = Level::Warning,
               .section = "Device Placement",
               .summary = "`.cuda()` method call instead of `.to(device)`",
               .docs = R"md(## What it does
Flags every call of a method named `cuda`: `x.cuda()`, `model.cuda(0)`,
`batch["image"].cuda(non_blocking=True)`, `super().cuda(device)`. Python: a call whose callee
is an attribute `<expr>.cuda`. The attribute itself (`torch.cuda.is_available()`,
`torch.cuda.synchronize()`, `x.is_cuda`) is not a call of `cuda` and is not flagged.

## Why is this bad?
The guidelines ask for *dynamic device placement that works across CPU/GPU* and to *use
`to(device)`*. `.cuda()` fails on machines without CUDA (CI, laptops, `mps`, `xpu`) and
ignores the device the caller picked; `.to(device)` works for every device, including the CPU.

## Example
```python
model = Net().cuda()
images = images.cuda(non_blocking=True)
```

Use instead:
```python
model = Net().to(device)
images = images.to(device, non_blocking=True)
```

## Options
None.

## Guideline bullet it enforces
*Device Placement*: "Use `to(device)` appropriately during tensor creation and operations" (and
"Implement dynamic device placement that works across CPU/GPU").

## C++
In LibTorch sources a call of a member named `cuda` is flagged the same way: `t.cuda()`,
`model->cuda()`, `batch.cuda()`. `torch::cuda::is_available()` and `t.is_cuda()` are not calls
of a `cuda` method.

```cpp
auto model = std::make_shared<NetImpl>();
model->cuda();
auto images = batch.data.cuda();
```

Use instead:
```cpp
const torch::Device device(torch::cuda::is_available() ? torch::kCUDA : torch::kCPU);
model->to(device);
auto images = batch.data.to(device);
```
)md"},
      .python = {.kinds = {"call"}, .make = function_check<check_python>},
      .cpp = {.kinds = {"call_expression"}, .make = function_check<check_cpp>}};
  return rule;
}

}  // namespace torchlint::rules
