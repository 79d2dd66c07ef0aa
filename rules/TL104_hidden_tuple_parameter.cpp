// TL104 hidden-tuple-parameter: parameters annotated as plain fixed-length tuples.
#include <string>

#include "linter/run/context.h"
#include "linter/semantic/python_annotations.h"
#include "linter/semantic/python_model.h"
#include "linter/semantic/python_signature.h"

namespace torchlint::rules {
namespace {

void check_python(TSNode definition, Context& context) {
  const FunctionInfo* info = context.py().function(definition);
  if (info == nullptr) return;
  for (const ParameterInfo& parameter : signature_parameters(context.py(), *info)) {
    if (ts_node_is_null(parameter.annotation) || !is_fixed_tuple_type(context.py(), parameter.annotation)) continue;
    context.report(parameter.node, "parameter `" + std::string(parameter.spelled) + "` is a plain tuple (`" +
                                       annotation_spelling(context.py(), parameter.annotation) +
                                       "`); take a NamedTuple or separate named parameters");
  }
}

}  // namespace

const Rule& tl104_hidden_tuple_parameter() {
  static const Rule rule{
      .info = {.code = "TL104",
               .name = "hidden-tuple-parameter",
               .level = Level::Warning,
               .section = "Type Annotations",
               .summary = "Parameter annotated as a plain tuple instead of a NamedTuple",
               .docs = R"md(## What it does
Python: flags a parameter of a `def` / `async def` annotated with a fixed-length tuple type of
two or more elements: `tuple[A, B]`, `Tuple[A, B]`, `typing.Tuple[A, B]` (however `typing` was
imported). Variable-length tuples (`tuple[int, ...]`), one-element tuples, a bare `tuple`,
tuples nested inside other types (`Optional[tuple[int, int]]`) and string annotations are not
flagged. The diagnostic points at the parameter.

## Why is this bad?
The guidelines prefer *NamedTuples or named arguments over hidden tuples for inputs*. A
parameter `size: tuple[int, int]` leaves the reader guessing whether it is `(height, width)` or
`(width, height)`; passing them the wrong way round is a silent bug, and tuple inputs are
awkward for ONNX export. Named fields or separate parameters make each value explicit.

## Example
```python
def resize(image: torch.Tensor, size: tuple[int, int]) -> torch.Tensor:
    ...
```

Use instead:
```python
class ImageSize(NamedTuple):
    height: int
    width: int

def resize(image: torch.Tensor, size: ImageSize) -> torch.Tensor:
    ...

# or
def resize(image: torch.Tensor, height: int, width: int) -> torch.Tensor:
    ...
```

## Options
None.

## Guideline
*Type Annotations*: "Prefer **NamedTuples** or **named arguments** over hidden tuples for inputs
(better for ONNX export and readability)".
)md"},
      .python = {.kinds = {"function_definition"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
