#pragma once
// Grad-mode facts of Python code that rules share (TL602, TL603): which `with`
// statements turn gradients off, and whether a function contains one.
#include <tree_sitter/api.h>

namespace torchlint {

class PythonModel;

// True when any item of the `with_statement` is `torch.no_grad()`, `torch.inference_mode()`
// or `torch.set_grad_enabled(False)` (see PythonModel::is_no_grad_context).
[[nodiscard]] bool is_no_grad_with(TSNode with_statement, const PythonModel& model);

// True when `node` (a function body, say) contains such a `with` anywhere below it,
// nested functions included.
[[nodiscard]] bool contains_no_grad_with(TSNode node, const PythonModel& model);

}  // namespace torchlint
