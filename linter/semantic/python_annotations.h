#pragma once
// What an annotation (a tree-sitter `type` node, or an expression written as one) denotes,
// as the type-annotation and tensor rules need it (TL103, TL104, TL105, TL202).
#include <tree_sitter/api.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace torchlint {

class PythonModel;

// `X[a, b, ...]` written as a generic_type or a subscript: X's node and the arguments.
struct SubscriptedAnnotation {
  TSNode base{};
  std::vector<TSNode> arguments;
};

// The annotation with `type` wrappers and parentheses removed.
TSNode unwrap_annotation(TSNode annotation);

// `X[...]`, or nullopt when the annotation is not subscripted.
std::optional<SubscriptedAnnotation> subscripted_annotation(TSNode annotation);

// The name an annotation's head resolves to: the qualified name through imports
// ("typing.Tuple"), else its spelling ("tuple", "Tuple").
std::string annotation_head_name(const PythonModel& model, TSNode head);

// A fixed-length tuple type of two or more elements: `tuple[A, B]`, `Tuple[A, B]`,
// `typing.Tuple[A, B]`; not `tuple[A, ...]`, `tuple[A]` or a bare `tuple`.
bool is_fixed_tuple_type(const PythonModel& model, TSNode annotation);

// `dict[...]`, `Dict[...]`, `typing.Dict[...]`.
bool is_dict_type(const PythonModel& model, TSNode annotation);

// Plainly `torch.Tensor`: directly, `Optional[torch.Tensor]`, `Union[torch.Tensor, None]` or
// `torch.Tensor | None`; not jaxtyping annotations, containers or string annotations.
bool is_plain_tensor_annotation(const PythonModel& model, TSNode annotation);

// The annotation's text on one line (whitespace runs collapsed), shortened to about
// `max_length` characters, for messages.
std::string annotation_spelling(const PythonModel& model, TSNode annotation, std::size_t max_length = 60);

// Calls `visit(identifier)` for each bare name used in the annotation: identifiers that are
// not the first name of a dotted name (`nn` in `nn.Module`), not an attribute name, and not
// inside a string, a call (`Annotated[..., Field(gt=0)]`) or a keyword argument's name.
void for_each_bare_annotation_name(TSNode annotation, const std::function<void(TSNode)>& visit);

}  // namespace torchlint
