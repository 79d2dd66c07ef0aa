// TL501 inplace-method-call: in-place tensor methods and in-place torch functions.
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/parse/cpp_kinds.h"
#include "linter/semantic/cpp_model.h"
#include "linter/semantic/inplace.h"
#include "linter/semantic/python_model.h"

namespace torchlint::rules {
namespace {

// torch.relu_ / torch.nn.functional.relu_: functions whose trailing '_' means in-place.
bool is_inplace_torch_function(std::string_view qualified) {
  for (std::string_view package : {"torch.", "torch.nn.functional."}) {
    if (!qualified.starts_with(package)) continue;
    const std::string_view name = qualified.substr(package.size());
    if (name.find('.') == std::string_view::npos && has_inplace_suffix(name)) return true;
  }
  return false;
}

std::string message_for(std::string_view name) {
  std::string out_of_place(name.substr(0, name.size() - 1));
  return "in-place operation `" + std::string(name) + "` mutates its tensor; use the out-of-place `" + out_of_place +
         "` and bind the result (e.g. `x = x." + out_of_place + "(...)`)";
}

void check_python(TSNode call, Context& context) {
  const PythonModel& model = context.py();
  const PyKinds& k = py_kinds();
  TSNode callee = field_child(call, "function");
  if (ts_node_is_null(callee)) return;
  TSNode name_node = callee;
  if (context.kind(callee) == k.attribute) {
    name_node = field_child(callee, "attribute");
  } else if (context.kind(callee) != k.identifier) {
    return;
  }
  const std::string_view name = context.text(name_node);
  if (!has_inplace_suffix(name)) return;
  const auto qualified = model.qualified_name(callee);
  const std::string_view qualified_view = qualified ? std::string_view(*qualified) : std::string_view();
  if (is_allowed_inplace(name, qualified_view, context.settings())) return;
  if (qualified) {
    // A module-level function: in-place only when it is torch's own in-place function or a
    // tensor method called through the class (`torch.Tensor.add_(x, y)`).
    const bool tensor_method = qualified->starts_with("torch.Tensor.") && is_inplace_method_name(name);
    if (!is_inplace_torch_function(*qualified) && !tensor_method) return;
  } else if (context.kind(callee) != k.attribute || !is_inplace_method_name(name)) {
    return;
  }
  context.report(name_node, message_for(name));
}

// C++: `x.add_(y)` / `x->add_(y)` with an in-place tensor method name, and `torch::relu_(x)` /
// `at::add_(...)` (any `torch::` / `at::` function ending in a single `_`).
void check_cpp(TSNode call, Context& context) {
  const CppModel& model = *context.cpp();
  const CppKinds& k = cpp_kinds();
  TSNode callee = field_child(call, "function");
  TSNode name_node = callee_name_node(callee);
  if (ts_node_is_null(name_node)) return;
  const std::string_view name = context.text(name_node);
  if (!has_inplace_suffix(name)) return;
  if (context.kind(callee) == k.field_expression) {
    if (!is_inplace_method_name(name) || is_allowed_inplace(name, {}, context.settings())) return;
  } else {
    const std::string qualified = model.qualified_name(callee, context.ancestors());
    if (!qualified.starts_with("torch::") && !qualified.starts_with("at::")) return;
    if (is_allowed_inplace(name, qualified, context.settings())) return;
  }
  context.report(name_node, message_for(name));
}

}  // namespace

const Rule& tl501_inplace_method_call() {
  static const Rule rule{
      .info = {.code = "TL501",
               .name = "inplace-method-call",
               .level = Level::Error,
               .section = "Operations",
               .summary = "In-place tensor method or in-place torch function",
               .docs = R"md(## What it does
Flags calls of in-place tensor operations:

- Python: a call `<expr>.<name>(...)` where `<name>` is an in-place method of `torch.Tensor`
  (a public method whose name ends in a single `_`: `add_`, `mul_`, `copy_`, `zero_`,
  `fill_`, `clamp_`, `masked_fill_`, `index_put_`, `scatter_`, `uniform_`, ...; the full list is
  derived from PyTorch and kept in `linter/semantic/inplace_names.inc`), and calls of
  `torch.<name>_` / `torch.nn.functional.<name>_` (`torch.relu_(x)`, `F.relu_(x)`), however
  they were imported (`import torch as T`, `from torch import relu_`).
- C++: the same names called as `x.name_(...)` / `x->name_(...)`, and `torch::` / `at::`
  functions ending in a single `_` (`torch::relu_(x)`).

Allowed (the guidelines recommend them, or there is no out-of-place form):
`requires_grad_`, `share_memory_`, every `torch.nn.init.*_`,
`torch.nn.utils.clip_grad_norm_`, `torch.nn.utils.clip_grad_value_`; in C++ likewise
`requires_grad_`, `set_requires_grad`, `torch::nn::init::*_`,
`torch::nn::utils::clip_grad_norm_`, `torch::nn::utils::clip_grad_value_`.

Calls through a module that is not torch (`np.something_()`), names that are not tensor
methods (`obj.update_()`), and attributes that are not called are not flagged.

## Why is this bad?
The guidelines say: *never use inplace operations unless explicitly requested*. In-place
operations overwrite values autograd may need for the backward pass (raising "a leaf Variable
that requires grad is being used in an in-place operation" or, worse, silently computing wrong
gradients through aliases), they break functional transforms and `torch.compile` graphs, and
they make code harder to reason about.

## Example
```python
def normalize(x: torch.Tensor) -> torch.Tensor:
    x.sub_(x.mean())
    x.div_(x.std())
    return torch.relu_(x)
```

Use instead:
```python
def normalize(x: torch.Tensor) -> torch.Tensor:
    x = (x - x.mean()) / x.std()
    return torch.relu(x)
```

## C++
In LibTorch sources (`.cpp .cc .cxx .h .hpp .hh .cu .cuh`) the same method names are flagged when
called as `x.name_(...)` or `x->name_(...)` (also `x.template name_<T>(...)`), and any function
of `torch::` or `at::` whose name ends in a single `_` (`torch::relu_(x)`, `at::add_(...)`),
also when `using namespace torch;`, `using torch::relu_;` or a namespace alias spells it
shorter. The report points at the method or function name.

```cpp
torch::Tensor normalize(torch::Tensor x) {
  x.sub_(x.mean());
  x.div_(x.std());
  return torch::relu_(x);
}
```

Use instead:
```cpp
torch::Tensor normalize(const torch::Tensor& x) {
  auto y = (x - x.mean()) / x.std();
  return torch::relu(y);
}
```

`p.requires_grad_(false)`, `p.set_requires_grad(false)`, `torch::nn::init::*_` and
`torch::nn::utils::clip_grad_norm_` / `clip_grad_value_` are allowed, as in Python. Functions of
the file's own (`my_helper_(x)`) and of other namespaces are not flagged.

## Explicitly requested in-place code
Suppress the line: `x.add_(y)  # noqa: TL501` (C++: `// NOLINT(TL501)`), or add the
method or qualified name to the allow-list.

## Options
- `[inplace] extend-allow`: method names (`"copy_"`) or qualified names
  (`"torch.nn.init.trunc_normal_"`) added to the allow-list.
)md"},
      .python = {.kinds = {"call"}, .make = function_check<check_python>},
      .cpp = {.kinds = {"call_expression"}, .make = function_check<check_cpp>}};
  return rule;
}

}  // namespace torchlint::rules
