// TL103 hidden-tuple-return: functions that return a bare tuple instead of a NamedTuple.
#include <optional>
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/python_annotations.h"
#include "linter/semantic/python_model.h"
#include "linter/semantic/python_signature.h"

namespace torchlint::rules {
namespace {

// `return a, b` / `return (a, b)`: a tuple display of two or more elements.
bool returns_tuple_display(TSNode statement, const KindTable& kinds) {
  const PyKinds& k = py_kinds();
  if (ts_node_named_child_count(statement) == 0) return false;
  TSNode value = ts_node_named_child(statement, 0);
  while (kinds.of(value) == k.parenthesized_expression && ts_node_named_child_count(value) == 1) {
    value = ts_node_named_child(value, 0);
  }
  if (kinds.of(value) != k.expression_list && kinds.of(value) != k.tuple) return false;
  std::uint32_t elements = 0;
  const std::uint32_t count = ts_node_named_child_count(value);
  for (std::uint32_t i = 0; i < count; ++i) {
    if (!ts_node_is_extra(ts_node_named_child(value, i))) ++elements;
  }
  return elements >= 2;
}

// The first `return` of a tuple display in the function's own body (nested defs excluded).
std::optional<TSNode> first_tuple_return(TSNode definition, const KindTable& kinds) {
  const PyKinds& k = py_kinds();
  std::optional<TSNode> found;
  walk_tree(
      field_child(definition, "body"),
      [&](TSNode node) {
        if (found) return false;
        const KindId kind = kinds.of(node);
        if (kind == k.function_definition || kind == k.lambda) return false;
        if (kind == k.return_statement) {
          if (returns_tuple_display(node, kinds)) found = node;
          return false;
        }
        return true;
      },
      [](TSNode) {});
  return found;
}

void check_python(TSNode definition, Context& context) {
  const FunctionInfo* info = context.py().function(definition);
  if (info == nullptr || is_dunder(info->name)) return;
  const std::string name(info->name);
  TSNode annotation = return_annotation(*info);
  if (!ts_node_is_null(annotation) && is_fixed_tuple_type(context.py(), annotation)) {
    context.report(annotation, "`" + name + "` is annotated to return a plain tuple (`" +
                                   annotation_spelling(context.py(), annotation) +
                                   "`); return a NamedTuple so that callers get named fields");
    return;
  }
  if (auto statement = first_tuple_return(definition, context.kinds())) {
    context.report(*statement, "`" + name + "` returns a plain tuple; return a NamedTuple so that callers get named fields");
  }
}

}  // namespace

const Rule& tl103_hidden_tuple_return() {
  static const Rule rule{
      .info = {.code = "TL103",
               .name = "hidden-tuple-return",
               .level = Level::Warning,
               .section = "Type Annotations",
               .summary = "Function returns a plain tuple instead of a NamedTuple",
               .docs = R"md(## What it does
Python: flags a function (any `def` / `async def`, except dunders such as `__getitem__`,
`__reduce__` or `__getstate__`, whose tuple results are dictated by Python's protocols) that

- is annotated to return a fixed-length tuple of two or more elements: `tuple[A, B]`,
  `Tuple[A, B]`, `typing.Tuple[A, B]` (however `typing` was imported); `tuple[A, ...]`, a bare
  `tuple` and `tuple[A]` are not fixed-length tuples of 2+ elements; or
- has a `return` of a tuple display of two or more elements in its own body: `return a, b`,
  `return (a, b)`. Returns inside nested functions belong to the nested function, which is
  checked on its own.

One diagnostic per function: at the return annotation when it is a tuple type, else at the
first such `return` statement. Annotations inside other types (`Optional[tuple[A, B]]`) and
string annotations are not inspected.

## Why is this bad?
The guidelines prefer *NamedTuples over hidden tuples* for readability and ONNX export. A
caller of a function returning `(boxes, scores, labels)` must remember the order; swapping two
fields of the same type is a silent bug. A NamedTuple is still a tuple (unpacking and
`torch.jit`/ONNX export keep working) but its fields have names.

## Example
```python
def detect(images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    ...
    return boxes, scores
```

Use instead:
```python
class Detections(NamedTuple):
    boxes: torch.Tensor
    scores: torch.Tensor

def detect(images: torch.Tensor) -> Detections:
    ...
    return Detections(boxes=boxes, scores=scores)
```

## Options
None.

## Guideline
*Type Annotations*: "Prefer **NamedTuples** or **named arguments** over hidden tuples";
*ONNX Export*: "Use NamedTuples or named arguments for input/output to maintain compatibility".
)md"},
      .python = {.kinds = {"function_definition"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
