// TL803 dict-forward-output: a forward that returns a dict instead of a NamedTuple.
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/python_model.h"

namespace torchlint::rules {
namespace {

// `dict[...]`, `Dict[...]`, `typing.Dict[...]` (and the bare forms `dict`, `Dict`).
bool is_dict_annotation(TSNode annotation, const Context& context) {
  const PyKinds& k = py_kinds();
  TSNode node = annotation;
  while (!ts_node_is_null(node) && (context.kind(node) == k.type || context.kind(node) == k.parenthesized_expression) &&
         ts_node_named_child_count(node) > 0) {
    node = ts_node_named_child(node, 0);
  }
  if (ts_node_is_null(node)) return false;
  if (context.kind(node) == k.subscript) node = field_child(node, "value");
  else if (context.kind(node) == k.generic_type) node = ts_node_named_child(node, 0);
  if (ts_node_is_null(node)) return false;
  const std::string_view spelled = context.text(node);
  if (spelled == "dict" && !context.py().is_bound("dict")) return true;
  auto qualified = context.py().qualified_name(node);
  if (qualified) return *qualified == "typing.Dict" || *qualified == "typing_extensions.Dict";
  return spelled == "Dict";  // typing.Dict without the import (snippets)
}

bool is_dict_value(TSNode value, const Context& context) {
  const PyKinds& k = py_kinds();
  while (!ts_node_is_null(value) && context.kind(value) == k.parenthesized_expression &&
         ts_node_named_child_count(value) == 1) {
    value = ts_node_named_child(value, 0);
  }
  if (ts_node_is_null(value)) return false;
  const KindId kind = context.kind(value);
  if (kind == k.dictionary || kind == k.dictionary_comprehension) return true;
  if (kind != k.call) return false;
  TSNode callee = field_child(value, "function");
  return context.kind(callee) == k.identifier && context.text(callee) == "dict" && !context.py().is_bound("dict");
}

// The first `return <dict>` of the function's own body (nested defs and classes are skipped).
TSNode first_dict_return(TSNode body, const Context& context) {
  const PyKinds& k = py_kinds();
  TSNode found{};
  walk_tree(
      body,
      [&](TSNode node) {
        if (!ts_node_is_null(found)) return false;
        const KindId kind = context.kind(node);
        if (kind == k.function_definition || kind == k.class_definition || kind == k.lambda) return false;
        if (kind == k.return_statement) {
          if (ts_node_named_child_count(node) > 0 && is_dict_value(ts_node_named_child(node, 0), context)) found = node;
          return false;
        }
        return true;
      },
      [](TSNode) {});
  return found;
}

void check_python(TSNode definition, Context& context) {
  const FunctionInfo* info = context.py().function(definition);
  if (info == nullptr || !info->is_forward) return;
  const std::string message =
      "forward returns a dict; return a NamedTuple so that outputs are typed and survive ONNX export and tracing";
  TSNode annotation = field_child(definition, "return_type");
  if (!ts_node_is_null(annotation) && is_dict_annotation(annotation, context)) {
    context.report(annotation, message);
    return;
  }
  TSNode returned = first_dict_return(field_child(definition, "body"), context);
  if (!ts_node_is_null(returned)) context.report(returned, message);
}

}  // namespace

const Rule& tl803_dict_forward_output() {
  static const Rule rule{
      .info = {.code = "TL803",
               .name = "dict-forward-output",
               .level = Level::Warning,
               .section = "ONNX Export",
               .summary = "Forward returns a dict instead of a NamedTuple",
               .docs = R"md(## What it does
Python: flags a forward (the `forward` method of an nn.Module subclass) that

- has a return annotation `dict[...]`, `Dict[...]` or `typing.Dict[...]` (also the bare `dict`
  and `Dict`), or
- returns a dict display (`return {"boxes": boxes}`, `return {}`), a dict comprehension, or a
  `dict(...)` call from its own body (returns of nested functions do not count).

One diagnostic per forward: at the return annotation if it is a dict type, else at the first
such `return` statement. Returning a variable that holds a dict is not seen (the rule does not
track values); `OrderedDict` and `Mapping` annotations are not flagged. Tuples returned by a
forward are TL103's.

## Why is this bad?
The guidelines ask to *use NamedTuples or named arguments for input/output to maintain
compatibility* with ONNX export. A dict output loses its keys in `torch.onnx.export` (outputs
are flattened in insertion order, so consumers depend on an order nobody declared),
`torch.jit.trace` rejects or flattens it (`strict=False` needed), and its values are untyped. A
NamedTuple has fixed, named, typed fields and exports as ordered outputs with names.

## Example
```python
class Detector(nn.Module):
    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        return {"boxes": self.box_head(images), "scores": self.score_head(images)}
```

Use instead:
```python
class Detections(NamedTuple):
    boxes: torch.Tensor
    scores: torch.Tensor


class Detector(nn.Module):
    def forward(self, images: torch.Tensor) -> Detections:
        return Detections(boxes=self.box_head(images), scores=self.score_head(images))
```

## Options
None.

## Guideline bullet it enforces
*ONNX Export*: "Use NamedTuples or named arguments for input/output to maintain
compatibility".
)md"},
      .python = {.kinds = {"function_definition"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
