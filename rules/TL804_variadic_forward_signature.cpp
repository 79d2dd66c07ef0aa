// TL804 variadic-forward-signature: `forward(*args, **kwargs)` hides the model's inputs.
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/python_model.h"

namespace torchlint::rules {
namespace {

// `*args` / `**kwargs`, bare or annotated (`*args: Any`); the bare `*` marker is not variadic.
std::string_view variadic_kind(TSNode parameter, const Context& context) {
  const PyKinds& k = py_kinds();
  TSNode node = parameter;
  if (context.kind(node) == k.typed_parameter) node = ts_node_named_child(node, 0);
  if (ts_node_is_null(node)) return {};
  if (context.kind(node) == k.list_splat_pattern) return "*args";
  if (context.kind(node) == k.dictionary_splat_pattern) return "**kwargs";
  return {};
}

void check_python(TSNode definition, Context& context) {
  const FunctionInfo* info = context.py().function(definition);
  if (info == nullptr || !info->is_forward) return;
  TSNode parameters = field_child(definition, "parameters");
  const std::uint32_t count = ts_node_named_child_count(parameters);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode parameter = ts_node_named_child(parameters, i);
    const std::string_view kind = variadic_kind(parameter, context);
    if (kind.empty()) continue;
    context.report(parameter, "forward takes `" + std::string(context.text(parameter)) +
                                  "`; name its inputs (or take a NamedTuple) so that callers, tracing and ONNX "
                                  "export see them");
  }
}

}  // namespace

const Rule& tl804_variadic_forward_signature() {
  static const Rule rule{
      .info = {.code = "TL804",
               .name = "variadic-forward-signature",
               .level = Level::Warning,
               .section = "ONNX Export",
               .summary = "Forward takes `*args` or `**kwargs`",
               .docs = R"md(## What it does
Python: flags each `*args` and each `**kwargs` parameter (annotated or not) of a forward (the
`forward` method of an nn.Module subclass): `def forward(self, *args, **kwargs)` gives two
diagnostics, one at each parameter. The bare `*` that starts keyword-only parameters is not
variadic and is not flagged.

## Why is this bad?
The guidelines ask to *use NamedTuples or named arguments for input/output to maintain
compatibility* with ONNX export, and to *prefer named arguments over hidden tuples for inputs*.
A variadic forward hides what the model consumes: `torch.onnx.export` names inputs after the
signature (a variadic one gives `args_0`, `args_1`, ...), keyword arguments packed in `**kwargs`
cannot be exported as inputs, type checkers and readers cannot see what is required, and a
misspelt keyword is silently ignored.

## Example
```python
class Wrapper(nn.Module):
    def forward(self, *args, **kwargs):
        return self.model(*args, **kwargs)
```

Use instead:
```python
class Wrapper(nn.Module):
    def forward(self, images: torch.Tensor, boxes: torch.Tensor) -> torch.Tensor:
        return self.model(images, boxes)
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
