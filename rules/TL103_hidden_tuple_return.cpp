// TL103 hidden-tuple-return: functions that return a bare tuple instead of a NamedTuple.
#include <optional>
#include <string>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/cpp_model.h"
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

// ----- C++ -----

// The spelled return type of a function definition or declaration: the trailing return type's
// type when there is one (`auto f() -> std::tuple<A, B>`), else the leading `type`. Null when the
// node declares no function.
TSNode cpp_return_type(TSNode node, const Context& context) {
  const CppKinds& k = cpp_kinds();
  if (ts_node_is_null(context.cpp()->function_name(node))) return TSNode{};
  TSNode declarator = field_child(node, "declarator");
  while (!ts_node_is_null(declarator) && context.kind(declarator) != k.function_declarator) {
    TSNode inner = field_child(declarator, "declarator");
    if (ts_node_is_null(inner)) inner = ts_node_named_child(declarator, ts_node_named_child_count(declarator) - 1);
    declarator = inner;
  }
  if (ts_node_is_null(declarator)) return TSNode{};
  for (std::uint32_t i = 0; i < ts_node_named_child_count(declarator); ++i) {
    TSNode child = ts_node_named_child(declarator, i);
    if (context.kind(child) == k.trailing_return_type) return ts_node_named_child(child, 0);
  }
  return field_child(node, "type");
}

// The template argument count of the template in a type: `std::tuple<A, B>` -> 2.
std::uint32_t template_argument_count(TSNode type, const Context& context) {
  const CppKinds& k = cpp_kinds();
  TSNode node = type;
  if (context.kind(node) == k.type_descriptor) node = field_child(node, "type");
  while (!ts_node_is_null(node) && context.kind(node) == k.qualified_identifier) node = field_child(node, "name");
  if (ts_node_is_null(node) || context.kind(node) != k.template_type) return 0;
  TSNode arguments = field_child(node, "arguments");
  return ts_node_is_null(arguments) ? 0 : ts_node_named_child_count(arguments);
}

// C++: a function declaration or definition whose spelled return type is `std::tuple<...>` with
// 2+ template arguments or `std::pair<...>`. A declaration inside a function body is almost always
// a variable (`std::pair<int, int> p(a, b);` parses like a function declaration) and is skipped.
void check_cpp(TSNode node, Context& context) {
  const CppKinds& k = cpp_kinds();
  if (context.kind(node) != k.function_definition) {
    for (TSNode ancestor : context.ancestors()) {
      const KindId kind = context.kind(ancestor);
      if (kind == k.compound_statement || kind == k.lambda_expression) return;
    }
  }
  TSNode type = cpp_return_type(node, context);
  if (ts_node_is_null(type)) return;
  TSNode spelled = context.kind(type) == k.type_descriptor ? field_child(type, "type") : type;
  const std::string qualified = context.cpp()->qualified_name(spelled, context.ancestors());
  const std::uint32_t arguments = template_argument_count(type, context);
  const bool is_pair = qualified == "std::pair" && arguments > 0;
  if (!is_pair && !(qualified == "std::tuple" && arguments >= 2)) return;
  const std::string function(context.text(context.cpp()->function_name(node)));
  context.report(type, "`" + function + "` returns a `" + qualified +
                           "`; return a named struct so that callers get named fields");
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

## C++
In C++, CUDA and header files the rule flags a function declaration or definition whose spelled
return type — leading, or trailing after `->` — is `std::tuple<...>` with two or more template
arguments, or `std::pair<...>` (also `tuple<...>` / `pair<...>` after `using namespace std;`).
A declaration and its out-of-line definition are one site each. Aliases (`using Result =
std::tuple<...>;`) are not resolved, lambdas are not functions here, and declarations inside
function bodies (`std::pair<int, int> p(a, b);` is a variable) are skipped. The diagnostic
points at the return type. Suggest a named struct.

```cpp
std::tuple<torch::Tensor, torch::Tensor> forward(const torch::Tensor& x);
```

Use instead:
```cpp
struct Prediction {
  torch::Tensor logits;
  torch::Tensor boxes;
};
Prediction forward(const torch::Tensor& x);
```
)md"},
      .python = {.kinds = {"function_definition"}, .make = function_check<check_python>},
      .cpp = {.kinds = {"function_definition", "declaration", "field_declaration"}, .make = function_check<check_cpp>}};
  return rule;
}

}  // namespace torchlint::rules
