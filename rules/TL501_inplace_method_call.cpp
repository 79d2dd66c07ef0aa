// TL501 inplace-method-call: in-place tensor methods and in-place torch functions.
#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/run/fix_helpers.h"
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

// In-place methods with no out-of-place twin of the same meaning (derived from
// torch.Tensor's methods; `bernoulli`, `resize` and `resize_as` exist but mean something else).
bool has_out_of_place_twin(std::string_view name) {
  static constexpr std::string_view kNoTwin[] = {
      "apply_",  "bernoulli_",   "cauchy_", "copy_",   "exponential_", "fill_",         "fill_diagonal_",
      "geometric_", "log_normal_", "map2_", "map_",    "normal_",      "random_",       "requires_grad_",
      "resize_", "resize_as_",   "resize_as_sparse_", "set_", "share_memory_", "sparse_resize_",
      "sparse_resize_and_clear_", "uniform_", "zero_"};
  return std::find(std::begin(kNoTwin), std::end(kNoTwin), name) == std::end(kNoTwin);
}

// A call that is a whole expression statement: `x.add_(y)` on its own.
bool is_statement_call(TSNode /*call*/, KindId expression_statement, const Context& context) {
  // The call is the node being visited, so the walk's ancestor stack has its parent in O(1);
  // ts_node_parent searches down from the root: quadratic over a 100,000-deep call chain.
  TSNode parent = context.parent();
  return !ts_node_is_null(parent) && context.kind(parent) == expression_statement &&
         ts_node_named_child_count(parent) == 1;
}

// Python: `x.add_(y)` as a statement, `x` a plain name -> `x = x.add(y)` (unsafe: other
// references to the tensor no longer see the change). `zero_` / `fill_` / `copy_` have no
// twin: a display-only suggestion.
std::optional<Fix> python_fix(TSNode call, TSNode callee, TSNode name_node, std::string_view name,
                              const Context& context) {
  const PyKinds& k = py_kinds();
  if (context.kind(callee) != k.attribute || !is_statement_call(call, k.expression_statement, context)) {
    return std::nullopt;
  }
  TSNode object = field_child(callee, "object");
  if (context.kind(object) != k.identifier) return std::nullopt;
  const std::string receiver(context.text(object));
  const std::string twin(name.substr(0, name.size() - 1));
  if (has_out_of_place_twin(name)) {
    return make_fix("Use the out-of-place `" + twin + "` and rebind `" + receiver + "`", Applicability::Unsafe,
                    {insert_edit(ts_node_start_byte(call), receiver + " = "), replace_edit(name_node, twin)});
  }
  TSNode arguments = field_child(call, "arguments");
  std::vector<std::string> values;
  for_each_named_child(arguments, [&](TSNode argument) {
    if (context.kind(argument) != k.comment) values.emplace_back(context.text(argument));
  });
  const std::string torch = python_module_alias(context.py(), "torch", true).value_or("torch");
  std::string replacement;
  if (name == "zero_" && values.empty()) replacement = receiver + " = " + torch + ".zeros_like(" + receiver + ")";
  else if (name == "fill_" && values.size() == 1) replacement = receiver + " = " + torch + ".full_like(" + receiver + ", " + values[0] + ")";
  else if (name == "copy_" && values.size() == 1) replacement = receiver + " = " + values[0] + ".to(" + receiver + ", copy=True)";
  else return std::nullopt;
  return make_fix("Rebind `" + receiver + "` to a new tensor: `" + replacement + "`", Applicability::DisplayOnly,
                  {replace_edit(call, replacement)});
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
  context.report(name_node, message_for(name),
                 qualified ? std::nullopt : python_fix(call, callee, name_node, name, context));
}

// C++: `x.add_(y);` with `x` a plain name -> `x = x.add(y);` (unsafe); `x.zero_();` and
// `x.fill_(v);` get a display-only `torch::zeros_like` / `torch::full_like` suggestion.
std::optional<Fix> cpp_fix(TSNode call, TSNode callee, TSNode name_node, std::string_view name,
                           const Context& context) {
  const CppKinds& k = cpp_kinds();
  if (context.kind(callee) != k.field_expression || !is_statement_call(call, k.expression_statement, context)) {
    return std::nullopt;
  }
  if (context.text(field_child(callee, "operator")) != ".") return std::nullopt;
  TSNode object = field_child(callee, "argument");
  if (context.kind(object) != k.identifier) return std::nullopt;
  // `x.template add_<T>(...)` and other spellings: only a plain field name.
  if (!ts_node_eq(field_child(callee, "field"), name_node)) return std::nullopt;
  const std::string receiver(context.text(object));
  const std::string twin(name.substr(0, name.size() - 1));
  if (has_out_of_place_twin(name)) {
    return make_fix("Use the out-of-place `" + twin + "` and rebind `" + receiver + "`", Applicability::Unsafe,
                    {insert_edit(ts_node_start_byte(call), receiver + " = "), replace_edit(name_node, twin)});
  }
  TSNode arguments = field_child(call, "arguments");
  const std::uint32_t count = ts_node_named_child_count(arguments);
  std::string replacement;
  if (name == "zero_" && count == 0) replacement = receiver + " = torch::zeros_like(" + receiver + ")";
  else if (name == "fill_" && count == 1)
    replacement = receiver + " = torch::full_like(" + receiver + ", " + std::string(context.text(ts_node_named_child(arguments, 0))) + ")";
  else return std::nullopt;
  return make_fix("Rebind `" + receiver + "` to a new tensor: `" + replacement + "`", Applicability::DisplayOnly,
                  {replace_edit(call, replacement)});
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
    const std::string qualified = model.callee_name(call, context.ancestors());
    if (!qualified.starts_with("torch::") && !qualified.starts_with("at::")) return;
    // A class template (`torch::class_<Foo>(...)`) is constructed, not called in place. A bare
    // name (after `using namespace torch;`) must be an in-place tensor operation's name, so that
    // members and locals such as `op_(stack)` are not taken for torch's.
    // Deeper namespaces (`torch::detail::wrap_impl_`) likewise need an in-place tensor name.
    const bool direct = qualified.find("::") == qualified.rfind("::");
    const bool templated = context.text(callee).find('<') != std::string_view::npos;
    const bool bare = context.kind(callee) == k.identifier || context.kind(callee) == k.template_function;
    if ((templated || bare || !direct) && !is_inplace_method_name(name)) return;
    if (is_allowed_inplace(name, qualified, context.settings())) return;
  }
  context.report(name_node, message_for(name), cpp_fix(call, callee, name_node, name, context));
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

## Explicitly requested in-place code
Suppress the line: `x.add_(y)  # noqa: TL501` (C++: `// NOLINT(TL501)`), or add the
method or qualified name to the allow-list.

## Fix safety
- Unsafe: an in-place method call that is a statement of its own, on a plain name, becomes
  the out-of-place twin rebound to that name: `x.add_(y)` -> `x = x.add(y)` (C++:
  `x.add_(y);` -> `x = x.add(y);`). Unsafe because other references to the tensor (callers,
  aliases, views, `self.` attributes holding it) no longer see the change, and the
  out-of-place result may have another dtype (type promotion).
- Display-only: methods without an out-of-place twin: `x.zero_()` ->
  `x = torch.zeros_like(x)`, `x.fill_(v)` -> `x = torch.full_like(x, v)`, `x.copy_(src)` ->
  `x = src.to(x, copy=True)` (Python); `torch::zeros_like` / `torch::full_like` in C++.
- No fix: other receivers (`self.w.add_(...)`, `x[0].add_(...)`), calls used as values,
  `x->add_(...)`, `torch.relu_(x)`-style functions, and in-place methods with no twin of the
  same meaning (`uniform_`, `normal_`, `bernoulli_`, `resize_`, `set_`, ...).

## Options
- `[inplace] extend-allow`: method names (`"copy_"`) or qualified names
  (`"torch.nn.init.trunc_normal_"`) added to the allow-list.

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
the file's own (`my_helper_(x)`) and of other namespaces are not flagged. A function spelled
without `torch::` / `at::` (through `using`), one in a deeper namespace
(`torch::detail::wrap_impl_`) or a template (`torch::class_<Foo>(...)`) is flagged only when its
name is an in-place tensor method name, so members such as `op_(stack)` are not taken for torch's.
)md"},
      .python = {.kinds = {"call"}, .make = function_check<check_python>},
      .cpp = {.kinds = {"call_expression"}, .make = function_check<check_cpp>}};
  return rule;
}

}  // namespace torchlint::rules
