#pragma once
// Small helpers the rules use to build their fixes (linter/run/fixer.h applies them).
#include <tree_sitter/api.h>

#include <optional>
#include <string>
#include <string_view>

#include "linter/run/diagnostic.h"

namespace torchlint {

class Context;
class PythonModel;

// "\r\n" when the file's first line ends with CRLF, else "\n".
std::string_view line_ending(std::string_view text);

inline Edit insert_edit(std::uint32_t at, std::string content) { return Edit{at, at, std::move(content), {}}; }
inline Edit replace_edit(std::uint32_t start, std::uint32_t end, std::string content) {
  return Edit{start, end, std::move(content), {}};
}
inline Edit replace_edit(TSNode node, std::string content) {
  return Edit{ts_node_start_byte(node), ts_node_end_byte(node), std::move(content), {}};
}

Fix make_fix(std::string message, Applicability applicability, std::vector<Edit> edits);

// True when an import statement sits at the module's top level (possibly inside a
// module-level `if` / `try`), not in a function or class body.
bool is_module_level(TSNode statement);

// Python: the local name under which module `module` ("torch", "torch.nn") is imported by a
// plain module-level `import` (`import torch` -> "torch", `import torch as T` -> "T"), or
// nullopt. The conventional unbound `torch` counts when `allow_conventional` (catalog: a
// bare `torch` that nothing binds is the torch module).
std::optional<std::string> python_module_alias(const PythonModel& model, std::string_view module,
                                               bool allow_conventional = false);

// Python: the edit that appends `argument` ("dtype=torch.float32") to a call's
// argument_list; nullopt when the call has no argument list.
std::optional<Edit> append_call_argument(TSNode argument_list, std::string_view argument);

}  // namespace torchlint
