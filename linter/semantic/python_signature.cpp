#include "linter/semantic/python_signature.h"

#include "linter/parse/kinds.h"
#include "linter/parse/walk.h"
#include "linter/semantic/python_model.h"

namespace torchlint {

std::vector<ParameterInfo> compute_signature_parameters(const PythonModel& model, const FunctionInfo& function) {
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  std::vector<ParameterInfo> result;
  TSNode parameters = field_child(function.node, "parameters");
  if (ts_node_is_null(parameters)) return result;
  const std::uint32_t count = ts_node_named_child_count(parameters);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode node = ts_node_named_child(parameters, i);
    const KindId kind = kinds.of(node);
    ParameterInfo parameter;
    parameter.node = node;
    TSNode pattern = node;  // identifier or splat pattern, without annotation and default
    if (kind == k.typed_parameter) {
      pattern = ts_node_named_child(node, 0);
      parameter.annotation = field_child(node, "type");
    } else if (kind == k.typed_default_parameter) {
      pattern = field_child(node, "name");
      parameter.annotation = field_child(node, "type");
    } else if (kind == k.default_parameter) {
      pattern = field_child(node, "name");
    } else if (kind != k.identifier && kind != k.list_splat_pattern && kind != k.dictionary_splat_pattern) {
      continue;  // `*` and `/` markers, comments, tuple parameters of Python 2
    }
    if (ts_node_is_null(pattern)) continue;
    const KindId pattern_kind = kinds.of(pattern);
    parameter.variadic_positional = pattern_kind == k.list_splat_pattern;
    parameter.variadic_keyword = pattern_kind == k.dictionary_splat_pattern;
    parameter.name = pattern_kind == k.identifier ? pattern : ts_node_named_child(pattern, 0);
    parameter.spelled = model.text(pattern);
    result.push_back(parameter);
  }
  if (!result.empty() && function.cls != nullptr && !function.is_staticmethod) result.front().is_implicit_receiver = true;
  return result;
}

TSNode return_annotation(const FunctionInfo& function) { return field_child(function.node, "return_type"); }

bool is_fully_untyped(const PythonModel& model, const FunctionInfo& function) {
  if (!ts_node_is_null(return_annotation(function))) return false;
  for (const ParameterInfo& parameter : signature_parameters(model, function)) {
    if (!ts_node_is_null(parameter.annotation)) return false;
  }
  return true;
}

bool is_dunder(std::string_view name) { return name.size() > 4 && name.starts_with("__") && name.ends_with("__"); }

}  // namespace torchlint
