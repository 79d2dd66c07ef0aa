#pragma once
// The Python standard library's top-level module names (CPython 3.8-3.13), for rules that
// tell standard-library imports from third-party ones (TL105).
#include <string_view>

namespace torchlint {

// True when `top_level` ("os", "typing", "collections") is a standard-library module in any
// CPython from 3.8 to 3.13.
bool is_stdlib_module(std::string_view top_level);

}  // namespace torchlint
