#pragma once
// The parameters of a Python `def` as the annotation rules see them (TL101, TL104, TL202,
// TL804): each with its name, annotation and kind, markers (`*`, `/`) left out.
#include <tree_sitter/api.h>

#include <string_view>
#include <vector>

namespace torchlint {

class PythonModel;
struct FunctionInfo;

struct ParameterInfo {
  TSNode node{};        // the whole parameter: `x`, `x=1`, `x: int = 1`, `*args`, `**kw: Any`
  TSNode name{};        // its identifier
  TSNode annotation{};  // the `type` node; null when unannotated
  std::string_view spelled;  // as written without annotation or default: "x", "*args", "**kwargs"
  bool variadic_positional = false;  // *args
  bool variadic_keyword = false;     // **kwargs
  // The first parameter of a def directly in a class body (self / cls), unless @staticmethod.
  bool is_implicit_receiver = false;
};

std::vector<ParameterInfo> signature_parameters(const PythonModel& model, const FunctionInfo& function);

// The return annotation (`type` node) of a def, or a null node.
TSNode return_annotation(const FunctionInfo& function);

// No parameter annotation and no return annotation at all.
bool is_fully_untyped(const PythonModel& model, const FunctionInfo& function);

// `__name__`: a dunder such as `__init__`, `__getitem__`.
bool is_dunder(std::string_view name);

}  // namespace torchlint
