// TL703 factory-without-device-in-forward: `torch.zeros(...)` in a forward lands on the CPU.
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/python_model.h"
#include "linter/semantic/torch_api.h"

namespace torchlint::rules {
namespace {

// True when the call passes `device=` or unpacks `**kwargs` (which may carry it).
bool may_set_device(TSNode call, const Context& context) {
  const PyKinds& k = py_kinds();
  TSNode arguments = field_child(call, "arguments");
  if (ts_node_is_null(arguments) || context.kind(arguments) != k.argument_list) return false;
  const std::uint32_t count = ts_node_named_child_count(arguments);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode argument = ts_node_named_child(arguments, i);
    if (context.kind(argument) == k.dictionary_splat) return true;
    if (context.kind(argument) == k.keyword_argument && context.text(field_child(argument, "name")) == "device") {
      return true;
    }
  }
  return false;
}

void check_python(TSNode call, Context& context) {
  if (!context.in_forward()) return;
  TSNode callee = field_child(call, "function");
  auto qualified = context.py().qualified_name(callee);
  if (!qualified || !is_tensor_factory(*qualified)) return;
  if (may_set_device(call, context)) return;
  // The callee name: `zeros` in `torch.zeros(...)`, the identifier in `zeros(...)`.
  TSNode name = context.kind(callee) == py_kinds().attribute ? field_child(callee, "attribute") : callee;
  context.report(name, "`" + *qualified +
                           "` in a forward creates its tensor on the CPU whatever the input's device; pass "
                           "`device=x.device` (or use `x.new_*` / `torch.*_like`)");
}

}  // namespace

const Rule& tl703_factory_without_device_in_forward() {
  static const Rule rule{
      .info = {.code = "TL703",
               .name = "factory-without-device-in-forward",
               .level = Level::Warning,
               .section = "Device Placement",
               .summary = "Tensor factory without `device=` inside a forward",
               .docs = R"md(## What it does
Python: inside a forward (the `forward` method of an nn.Module subclass, including functions
and lambdas nested in it), flags a call of a tensor factory that has no `device=` keyword
argument. The tensor factories are `torch.` + `tensor`, `as_tensor`, `asarray`, `zeros`,
`ones`, `empty`, `full`, `arange`, `range`, `linspace`, `logspace`, `eye`, `rand`, `randn`,
`randint`, `randperm`, `normal`, `empty_strided`, `scalar_tensor`, `sparse_coo_tensor`,
however they were imported (`import torch as T; T.zeros(...)`, `from torch import zeros`).

Not flagged:

- a call that unpacks `**kwargs` (it may carry the device);
- functions that inherit the device of their input: every `*_like` function
  (`torch.zeros_like(x)`), `x.new_zeros(...)` and the other `Tensor.new_*` methods,
  `torch.from_numpy`, `torch.frombuffer`;
- factories outside forwards (`__init__` builds parameters and buffers that move with the module).

nn.Module subclasses are recognised through their bases: `torch.nn.*` classes, Lightning
modules, and classes of the same file that are themselves nn.Module subclasses.

## Why is this bad?
The guidelines ask for *dynamic device placement that works across CPU/GPU* and to *use
`to(device)` appropriately during tensor creation*. A factory without a device creates its tensor
on the CPU (or the default device): when the module runs on a GPU the forward either fails with
a device mismatch or silently copies between devices on every call. It also breaks tracing and
export, where the constant is baked in on the wrong device.

## Example
```python
class Head(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mask = torch.ones(x.shape[0], dtype=torch.bool)
        return x[mask]
```

Use instead:
```python
class Head(nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mask = torch.ones(x.shape[0], dtype=torch.bool, device=x.device)
        return x[mask]
```

or `x.new_ones(x.shape[0], dtype=torch.bool)`.

## Options
None.

## Guideline bullet it enforces
*Device Placement*: "Use `to(device)` appropriately during tensor creation and operations".
)md"},
      .python = {.kinds = {"call"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
