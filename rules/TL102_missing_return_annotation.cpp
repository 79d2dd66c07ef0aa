// TL102 missing-return-annotation: a def without `-> ...`.
#include <optional>
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/run/fix_helpers.h"
#include "linter/semantic/python_model.h"
#include "linter/semantic/python_signature.h"

namespace torchlint::rules {
namespace {

// Does the def's own body (not nested defs, lambdas or classes) return a value or yield?
bool returns_value_or_yields(TSNode body, const Context& context) {
  const PyKinds& k = py_kinds();
  bool found = false;
  walk_tree(
      body,
      [&](TSNode node) {
        if (found) return false;
        const KindId kind = context.kind(node);
        if (kind == k.function_definition || kind == k.lambda || kind == k.class_definition) return false;
        if (kind == k.yield) found = true;
        if (kind == k.return_statement) {
          // `return` and `return None` return no value.
          const std::uint32_t count = ts_node_named_child_count(node);
          for (std::uint32_t i = 0; i < count; ++i) {
            TSNode value = ts_node_named_child(node, i);
            if (context.kind(value) != k.comment && context.kind(value) != k.none) found = true;
          }
        }
        return !found;
      },
      [](TSNode) {});
  return found;
}

// A stub: only a docstring, `pass`, `...` and `raise` statements (an abstract method by
// convention, whose overrides return something).
bool is_stub_body(TSNode body, const Context& context) {
  const PyKinds& k = py_kinds();
  bool stub = true;
  for_each_named_child(body, [&](TSNode statement) {
    const KindId kind = context.kind(statement);
    if (kind == k.comment || kind == k.pass_statement || kind == k.raise_statement) return;
    if (kind == k.expression_statement && ts_node_named_child_count(statement) == 1) {
      TSNode expression = ts_node_named_child(statement, 0);
      if (context.kind(expression) == k.string || context.kind(expression) == k.concatenated_string ||
          context.text(expression) == "...") {
        return;
      }
    }
    stub = false;
  });
  return stub;
}

bool ends_with_name(std::string_view qualified, std::string_view name) {
  return qualified == name || (qualified.size() > name.size() && qualified.ends_with(name) &&
                               qualified[qualified.size() - name.size() - 1] == '.');
}

// Safe fix: `-> None` for a def that neither returns a value nor yields; not for `.pyi`
// stubs, `@overload` / `@abstractmethod` functions, or stub bodies.
std::optional<Fix> none_fix(const FunctionInfo& info, const Context& context) {
  if (context.source().path().ends_with(".pyi")) return std::nullopt;
  for (const std::string& decorator : info.decorator_names) {
    for (std::string_view name : {"overload", "abstractmethod", "abstractproperty", "abstractclassmethod",
                                  "abstractstaticmethod"}) {
      if (ends_with_name(decorator, name)) return std::nullopt;
    }
  }
  TSNode parameters = field_child(info.node, "parameters");
  TSNode body = field_child(info.node, "body");
  if (ts_node_is_null(parameters) || ts_node_is_null(body)) return std::nullopt;
  if (is_stub_body(body, context) || returns_value_or_yields(body, context)) return std::nullopt;
  return make_fix("Add `-> None`", Applicability::Safe, {insert_edit(ts_node_end_byte(parameters), " -> None")});
}

void check_python(TSNode definition, Context& context) {
  const FunctionInfo* info = context.py().function(definition);
  if (info == nullptr || !ts_node_is_null(return_annotation(*info))) return;
  if (context.settings().ignore_fully_untyped && is_fully_untyped(context.py(), *info)) return;
  TSNode name = field_child(definition, "name");
  const std::string suggestion = info->name == "__init__" ? " (`-> None` for `__init__`)" : "";
  context.report(name, "function `" + std::string(info->name) + "` has no return type annotation" + suggestion,
                 none_fix(*info, context));
}

}  // namespace

const Rule& tl102_missing_return_annotation() {
  static const Rule rule{
      .info = {.code = "TL102",
               .name = "missing-return-annotation",
               .level = Level::Warning,
               .section = "Type Annotations",
               .summary = "Function without a return type annotation",
               .docs = R"md(## What it does
Flags every `def` / `async def` that has no return annotation (`-> ...`), at any depth:
top-level functions, methods (`__init__` and other dunders included), nested functions.
Lambdas cannot carry annotations and are not checked. The diagnostic points at the function's
name.

## Why is this bad?
The guidelines ask for *extensive type hints for all function signatures*. Without a return
annotation a reader must read the whole body to learn what comes back (a tensor, a tuple, a
dict, `None`?), and type checkers treat the result as `Any`, so mistakes in callers go
unnoticed. `__init__` is included so that type checkers check its body too (mypy skips the
bodies of unannotated functions); annotate it `-> None`.

## Example
```python
class Encoder(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor):
        return self.proj(x)
```

Use instead:
```python
class Encoder(nn.Module):
    def __init__(self, dim: int) -> None:
        super().__init__()
        self.proj = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.proj(x)
```

## Fix safety
Safe: `-> None` is added to a function whose own body (nested functions, lambdas and classes
aside) has no `return` of a value (`return` and `return None` return none) and no `yield`.
No fix for `.pyi` stubs, `@overload` stubs, `@abstractmethod` (and `abstractproperty`, ...)
functions, or bodies made only of a docstring, `pass`, `...` and `raise` statements, whose
overrides are meant to return something.

## Options
- `[annotations] ignore-fully-untyped` (default `false`): skip functions that have no
  annotation at all (no parameter annotation and no return annotation).

## Guideline
*Type Annotations*: "Use **extensive type hints** for all function signatures and variables".
)md"},
      .python = {.kinds = {"function_definition"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
