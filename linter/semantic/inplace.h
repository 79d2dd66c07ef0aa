#pragma once
// The in-place vocabulary shared by the Python and C++ rules (one list in the project).
#include <string_view>

#include "linter/config/settings.h"

namespace torchlint {

// A public torch.Tensor method ending in a single '_' (linter/semantic/inplace_names.inc).
bool is_inplace_method_name(std::string_view name);
// Ends in exactly one '_' (and is not a dunder or a bare '_').
bool has_inplace_suffix(std::string_view name);

// The allow-list (catalog conventions) plus `[inplace] extend-allow`. `method` is the
// called name ("requires_grad_"); `qualified` the callee's qualified name when known
// ("torch.nn.init.normal_" or "torch::nn::init::normal_"), else empty.
bool is_allowed_inplace(std::string_view method, std::string_view qualified, const Settings& settings);

}  // namespace torchlint
