#pragma once
// The parameters of a Python `def` as the annotation rules see them (TL101, TL104, TL202,
// TL804): each with its name, annotation and kind, markers (`*`, `/`) left out.
#include <tree_sitter/api.h>

#include <string_view>
#include <vector>

#include "linter/semantic/python_model.h"  // ParameterInfo, FunctionInfo

namespace torchlint {

// The def's parameters, computed once by the model (FunctionInfo::parameters).
inline const std::vector<ParameterInfo>& signature_parameters(const PythonModel& /*model*/,
                                                              const FunctionInfo& function) {
  return function.parameters;
}
// What the model stores there.
std::vector<ParameterInfo> compute_signature_parameters(const PythonModel& model, const FunctionInfo& function);

// The return annotation (`type` node) of a def, or a null node.
TSNode return_annotation(const FunctionInfo& function);

// No parameter annotation and no return annotation at all.
bool is_fully_untyped(const PythonModel& model, const FunctionInfo& function);

// `__name__`: a dunder such as `__init__`, `__getitem__`.
bool is_dunder(std::string_view name);

}  // namespace torchlint
