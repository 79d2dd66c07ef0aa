// TL602 eval-without-no-grad: a module called after `M.eval()` while gradients are still on.
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/cpp_model.h"
#include "linter/semantic/python_model.h"

namespace torchlint::rules {
namespace {

// `model`, `self.model`, `a.b.c`: the spelled chain without whitespace; nullopt for anything else
// (calls, subscripts), which the catalog does not track. Iterative: chains can be very deep.
std::optional<std::string> name_chain(TSNode node, const Context& context) {
  const PyKinds& k = py_kinds();
  std::vector<std::string_view> attributes;
  while (!ts_node_is_null(node) && context.kind(node) == k.attribute) {
    attributes.push_back(context.text(field_child(node, "attribute")));
    node = field_child(node, "object");
  }
  if (ts_node_is_null(node) || context.kind(node) != k.identifier) return std::nullopt;
  std::string chain(context.text(node));
  for (auto it = attributes.rbegin(); it != attributes.rend(); ++it) {
    chain += '.';
    chain += *it;
  }
  return chain;
}

bool has_no_arguments(TSNode call, const Context& context) {
  TSNode arguments = field_child(call, "arguments");
  if (ts_node_is_null(arguments) || context.kind(arguments) != py_kinds().argument_list) return false;
  const std::uint32_t count = ts_node_named_child_count(arguments);
  for (std::uint32_t i = 0; i < count; ++i) {
    if (context.kind(ts_node_named_child(arguments, i)) != py_kinds().comment) return false;
  }
  return true;
}

// `M.train()`, `M.train(True)`, `M.train(mode=True)`: back to training mode. `M.train(False)`
// (and, conservatively, `M.train(flag)`) leaves eval mode as it was.
bool turns_training_on(TSNode call, const Context& context) {
  if (has_no_arguments(call, context)) return true;
  TSNode arguments = field_child(call, "arguments");
  TSNode first = ts_node_named_child(arguments, 0);
  if (context.kind(first) == py_kinds().keyword_argument) {
    if (context.text(field_child(first, "name")) != "mode") return false;
    first = field_child(first, "value");
  }
  return context.kind(first) == py_kinds().true_;
}

class EvalWithoutNoGrad final : public Check {
 public:
  void enter(TSNode call, Context& context) override {
    TSNode callee = field_child(call, "function");
    if (ts_node_is_null(callee)) return;
    // Scope: the innermost def, or the module's top level (nullptr).
    auto& in_eval = eval_modules_[context.function()];
    if (auto spelled = name_chain(callee, context); spelled && in_eval.contains(*spelled)) {
      report(call, *spelled, context);
      return;
    }
    if (context.kind(callee) != py_kinds().attribute) return;
    auto receiver = name_chain(field_child(callee, "object"), context);
    if (!receiver) return;
    const std::string_view method = context.text(field_child(callee, "attribute"));
    if (method == "eval" && has_no_arguments(call, context)) {
      in_eval.insert(*receiver);
    } else if (method == "train" && turns_training_on(call, context)) {
      in_eval.erase(*receiver);
    } else if (method == "forward" && in_eval.contains(*receiver)) {
      report(call, *receiver, context);
    }
  }

 private:
  static void report(TSNode call, const std::string& module, Context& context) {
    if (context.in_no_grad()) return;
    context.report(call, "`" + module + "` is called after `" + module +
                             ".eval()` with gradients enabled; wrap inference in `with torch.no_grad():` or "
                             "`with torch.inference_mode():`");
  }

  std::unordered_map<const FunctionInfo*, std::unordered_set<std::string>> eval_modules_;
};

// ----- C++ -----

// `model`, `this->model`, `net.encoder`, `model_`: the spelled receiver without whitespace;
// nullopt for anything else (calls, subscripts, dereferences), which is not tracked.
std::optional<std::string> cpp_name_chain(TSNode node, const Context& context) {
  const CppKinds& k = cpp_kinds();
  if (ts_node_is_null(node)) return std::nullopt;
  const KindId kind = context.kind(node);
  if (kind == k.identifier || kind == k.this_ || kind == k.field_identifier) return std::string(context.text(node));
  if (kind != k.field_expression) return std::nullopt;
  auto object = cpp_name_chain(field_child(node, "argument"), context);
  TSNode field = field_child(node, "field");
  if (!object || context.kind(field) != k.field_identifier) return std::nullopt;
  const std::string_view op = context.text(field_child(node, "operator"));
  return *object + std::string(op) + std::string(context.text(field));
}

// The receiver spelled with `.` for `->` so that `model->eval()` and `model.eval()` agree on `M`.
std::string normalized(std::string chain) {
  for (std::size_t pos = chain.find("->"); pos != std::string::npos; pos = chain.find("->", pos)) {
    chain.replace(pos, 2, ".");
  }
  return chain;
}

std::size_t cpp_argument_count(TSNode call) {
  TSNode arguments = field_child(call, "arguments");
  return ts_node_is_null(arguments) ? 0 : ts_node_named_child_count(arguments);
}

// C++: per function (lambdas belong to the function they are written in), the receivers of
// `M.eval()` / `M->eval()` seen so far in source order. The walker tracks RAII guards
// (`torch::NoGradGuard`, `c10::InferenceMode`, `torch::AutoGradMode(false)`) for in_no_grad().
class CppEvalWithoutNoGrad final : public Check {
 public:
  void enter(TSNode call, Context& context) override {
    const CppKinds& k = cpp_kinds();
    TSNode callee = field_child(call, "function");
    if (ts_node_is_null(callee)) return;
    auto& in_eval = eval_modules_[function_start(context)];
    if (auto spelled = cpp_name_chain(callee, context); spelled && in_eval.contains(normalized(*spelled))) {
      report(call, *spelled, context);
      return;
    }
    if (context.kind(callee) != k.field_expression) return;
    auto receiver = cpp_name_chain(field_child(callee, "argument"), context);
    if (!receiver) return;
    const std::string key = normalized(*receiver);
    const std::string_view method = context.text(callee_name_node(callee));
    if (method == "eval" && cpp_argument_count(call) == 0) {
      in_eval.insert(key);
    } else if (method == "train") {
      TSNode arguments = field_child(call, "arguments");
      if (cpp_argument_count(call) == 0 || context.kind(ts_node_named_child(arguments, 0)) == k.true_) in_eval.erase(key);
    } else if ((method == "forward" || method.starts_with("operator")) && in_eval.contains(key)) {
      report(call, *receiver, context);
    }
  }

 private:
  static std::uint32_t function_start(const Context& context) {
    const auto& ancestors = context.ancestors();
    for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) {
      if (context.kind(*it) == cpp_kinds().function_definition) return ts_node_start_byte(*it);
    }
    return UINT32_MAX;
  }

  static void report(TSNode call, const std::string& module, Context& context) {
    if (context.in_no_grad()) return;
    context.report(call, "`" + module + "` is called after `" + module +
                             ".eval()` with gradients enabled; declare a `torch::NoGradGuard` (or "
                             "`c10::InferenceMode`) guard in an enclosing block first");
  }

  std::unordered_map<std::uint32_t, std::unordered_set<std::string>> eval_modules_;
};

}  // namespace

const Rule& tl602_eval_without_no_grad() {
  static const Rule rule{
      .info = {.code = "TL602",
               .name = "eval-without-no-grad",
               .level = Level::Error,
               .section = "Model State",
               .summary = "Module called after `.eval()` outside `torch.no_grad()` / `torch.inference_mode()`",
               .docs = R"md(## What it does
Python: within one function body (or the module's top level), after a call `M.eval()` — `M` a
name or an attribute chain such as `model` or `self.model` — flags every later call `M(...)` or
`M.forward(...)` that is not lexically inside a grad-disabling context:

- `with torch.no_grad():`, `with torch.inference_mode():`, `with torch.set_grad_enabled(False):`
  (any item of a multi-item `with` counts; `set_grad_enabled` only with a literal `False`, a
  variable is not trusted), or
- a function decorated `@torch.no_grad()`, `@torch.no_grad`, `@torch.inference_mode()` or
  `@torch.inference_mode`.

"Later" is source order, not control flow. A call `M.train()`, `M.train(True)` or
`M.train(mode=True)` between the `eval()` and the call ends the eval state; `M.train(False)`
does not (it is the same as `eval()`), and neither does `M.train(flag)` with a variable.
Nested functions are separate bodies: an `eval()` in the outer function does not carry into a
nested `def`, and the other way round. Receivers other than names and attribute chains
(`models[0].eval()`, `Net().eval()`) are not tracked, and `M.eval(...)` with arguments is not a
module's `eval()`.

## Why is this bad?
The guidelines say: *always call `model.eval()` for inference* and *wrap inference in
`torch.no_grad()` or use `torch.inference_mode()`*. `eval()` only switches layers such as
dropout and batch norm to inference behaviour; it does not stop autograd. Without a no-grad
context every activation is kept for a backward pass that never comes: inference uses several
times the memory it needs and runs slower, and outputs carry `grad_fn`, so storing them leaks
the whole graph.

## Example
```python
model.eval()
predictions = model(images)
```

Use instead:
```python
model.eval()
with torch.inference_mode():
    predictions = model(images)
```

## Options
None.

## Guideline bullet it enforces
*Model State*: "Wrap inference in `torch.no_grad()` or use `torch.inference_mode()`" (and
"Always call `model.eval()` for inference", whose other half it completes).

## C++
In LibTorch sources, within one function (lambdas count as part of the function they are written
in), after `M->eval()` / `M.eval()` — `M` a name or member chain such as `model`, `model_`,
`this->model` (`->` and `.` are the same receiver) — the rule flags a later `M->forward(...)`,
`M.forward(...)`, `M(...)` or `M->operator()(...)` unless a grad-disabling RAII guard is
declared before it in an enclosing block: `torch::NoGradGuard` / `at::NoGradGuard`,
`c10::InferenceMode` / `torch::InferenceMode` (not `InferenceMode guard(false)`), or
`torch::AutoGradMode guard(false)` / `at::AutoGradMode` (also `{false}`). A guard ends with its
block; a temporary `torch::NoGradGuard();` guards nothing. `M->train()` / `M->train(true)` in
between ends the eval state; `M->train(false)` does not.

```cpp
model->eval();
auto output = model->forward(images);
```

Use instead:
```cpp
model->eval();
torch::NoGradGuard no_grad;
auto output = model->forward(images);
```
)md"},
      .python = {.kinds = {"call"}, .make = make_check<EvalWithoutNoGrad>},
      .cpp = {.kinds = {"call_expression"}, .make = make_check<CppEvalWithoutNoGrad>}};
  return rule;
}

}  // namespace torchlint::rules
