#include "linter/run/fix_helpers.h"

#include <cstring>

#include "linter/parse/walk.h"
#include "linter/semantic/python_model.h"

namespace torchlint {

std::string_view line_ending(std::string_view text) {
  const std::size_t nl = text.find('\n');
  return nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r' ? "\r\n" : "\n";
}

Fix make_fix(std::string message, Applicability applicability, std::vector<Edit> edits) {
  Fix fix;
  fix.message = std::move(message);
  fix.applicability = applicability;
  fix.edits = std::move(edits);
  return fix;
}

bool is_module_level(TSNode statement) {
  for (TSNode node = parent_node(statement); !ts_node_is_null(node); node = parent_node(node)) {
    const char* type = ts_node_type(node);
    if (std::strcmp(type, "function_definition") == 0 || std::strcmp(type, "class_definition") == 0 ||
        std::strcmp(type, "lambda") == 0) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> python_module_alias(const PythonModel& model, std::string_view module,
                                               bool allow_conventional) {
  std::optional<std::string> found;
  for (const auto& [local, binding] : model.imports()) {
    if (binding.from_import || binding.qualified != module || !is_module_level(binding.node)) continue;
    // `import torch.nn` binds `torch` (qualified "torch"), which reaches torch too.
    if (!found || local < *found) found = local;  // deterministic when several
  }
  if (found) return found;
  if (allow_conventional && module.find('.') == std::string_view::npos && !model.is_bound(module)) {
    return std::string(module);
  }
  return std::nullopt;
}

std::optional<Edit> append_call_argument(TSNode argument_list, std::string_view argument) {
  if (ts_node_is_null(argument_list) || std::strcmp(ts_node_type(argument_list), "argument_list") != 0) {
    return std::nullopt;
  }
  TSNode last{};
  const std::uint32_t count = ts_node_named_child_count(argument_list);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(argument_list, i);
    if (std::strcmp(ts_node_type(child), "comment") != 0) last = child;
  }
  if (ts_node_is_null(last)) {
    // `f()` -> `f(argument)`: right after the opening parenthesis.
    return insert_edit(ts_node_start_byte(argument_list) + 1, std::string(argument));
  }
  return insert_edit(ts_node_end_byte(last), ", " + std::string(argument));
}

}  // namespace torchlint
