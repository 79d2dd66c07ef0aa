// TL202 undocumented-tensor-shape: plain `torch.Tensor` annotations with no documented shape.
#include <optional>
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/python_annotations.h"
#include "linter/semantic/python_docs.h"
#include "linter/semantic/python_model.h"
#include "linter/semantic/python_signature.h"

namespace torchlint::rules {
namespace {

void check_python(TSNode definition, Context& context) {
  const PythonModel& model = context.py();
  const FunctionInfo* info = model.function(definition);
  if (info == nullptr) return;
  const auto& parameters = signature_parameters(model, *info);
  TSNode returns = return_annotation(*info);
  bool any_plain = !ts_node_is_null(returns) && is_plain_tensor_annotation(model, returns);
  for (const ParameterInfo& parameter : parameters) {
    if (!ts_node_is_null(parameter.annotation) && is_plain_tensor_annotation(model, parameter.annotation)) any_plain = true;
  }
  if (!any_plain) return;
  // A `# Shape:` comment anywhere in the function documents all of its tensors.
  if (has_shape_comment(definition, context.source().text())) return;
  const auto docstring_node = model.docstring(definition);
  const std::string_view docstring = docstring_node ? context.text(*docstring_node) : std::string_view();

  for (const ParameterInfo& parameter : parameters) {
    if (ts_node_is_null(parameter.annotation) || !is_plain_tensor_annotation(model, parameter.annotation)) continue;
    const std::string_view name = context.text(parameter.name);
    if (documents_parameter_shape(docstring, name)) continue;
    context.report(parameter.annotation,
                   "shape of tensor parameter `" + std::string(name) +
                       "` is not documented; use a jaxtyping annotation, a docstring line such as `" +
                       std::string(name) + ": (B, C, H, W) ...`, or a `# Shape:` comment");
  }
  if (!ts_node_is_null(returns) && is_plain_tensor_annotation(model, returns) && !documents_return_shape(docstring)) {
    context.report(returns, "shape of the tensor returned by `" + std::string(info->name) +
                                "` is not documented; use a jaxtyping annotation, a shape in the docstring's "
                                "Returns section, or a `# Shape:` comment");
  }
}

}  // namespace

const Rule& tl202_undocumented_tensor_shape() {
  static const Rule rule{
      .info = {.code = "TL202",
               .name = "undocumented-tensor-shape",
               .level = Level::Note,
               .section = "Tensor Types",
               .summary = "Tensor parameter or return value whose shape is not documented",
               .docs = R"md(## What it does
Python: flags a parameter or return annotation that is plainly `torch.Tensor` (however `torch`
or `Tensor` was imported; `Optional[torch.Tensor]`, `Union[torch.Tensor, None]` and
`torch.Tensor | None` count as plain) in a function that does not document that tensor's
shape. jaxtyping annotations (`Float[torch.Tensor, "b c h w"]`) carry their shape and are never
flagged; containers of tensors (`list[torch.Tensor]`, `tuple[...]`, `dict[...]`) and string
annotations are not plain annotations.

A shape is documented when:

- for a parameter, the function's docstring has a line that contains the parameter's name as a
  whole word and a **shape group**: a parenthesised, comma-separated list of dimensions such as
  `(N, 4)`, `(N,)`, `(B, H, W, C)`, `(n * B, C)`, `(*, H, W)`, `(N, C_{in})`. A group of a
  single item counts only when the item is upper-case or a number (`(B)`, `(4)`; not
  `(optional)`). Items must look like dimensions: names, numbers, `...` and `*` joined by
  arithmetic operators; type words such as `(Tensor, optional)` or `(float)` and prose such as
  `(batch size)` are not shapes;
- for the return value, a line of the docstring's **Returns section** has a shape group or the
  word `scalar` (any case). The section is Google style (`Returns:` up to the next section
  header such as `Raises:` at the same indentation, or the end of the docstring) or NumPy style
  (`Returns` over a line of dashes, up to the next such header);
- for all of the function's tensors at once, the function contains a comment starting with
  `Shape:` (any case), e.g. `# Shape: (B, H, W, C)`, in its signature or body.

Each undocumented tensor is one diagnostic, at its annotation.

## Why is this bad?
The guidelines say: *use `jaxtyping` for shape annotations when possible, otherwise add inline
comments*. Shape bugs (a transposed `(B, C)` where `(C, B)` was meant, a missing batch
dimension) broadcast silently and surface far from their cause. A documented shape is the
contract a reader checks calls against.

## Example
```python
def iou(boxes: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
    """Pairwise IoU."""
    ...
```

Use instead:
```python
def iou(boxes: Float[torch.Tensor, "n 4"], other: Float[torch.Tensor, "m 4"]) -> Float[torch.Tensor, "n m"]:
    ...

# or
def iou(boxes: torch.Tensor, other: torch.Tensor) -> torch.Tensor:
    """Pairwise IoU.

    Args:
        boxes: (N, 4) boxes in xyxy format.
        other: (M, 4) boxes in xyxy format.

    Returns:
        (N, M) IoU matrix.
    """
    ...
```

## Options
None. The rule is a note (level N): shape documentation is a heuristic judgement.

## Guideline
*Tensor Types*: "Use `jaxtyping` for shape annotations when possible, otherwise add inline
comments".
)md"},
      .python = {.kinds = {"function_definition"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
