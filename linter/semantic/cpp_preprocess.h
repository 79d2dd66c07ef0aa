#pragma once
// Macro recovery for C++/CUDA before tree-sitter parses it. tree-sitter-cpp sees the
// text without a preprocessor, so `class TORCH_API Module`, `__global__ void k(...)`,
// `kernel<<<grid, block>>>(...)` and declaration macros without a semicolon turn whole
// functions into ERROR nodes. The recovered text has exactly the same length and the
// same line breaks as the original: only bytes inside the recognised constructs are
// replaced by spaces, so every byte offset, row and column stays valid.
#include <string>
#include <string_view>
#include <vector>

namespace torchlint {

struct CppRecoveryStats {
  int attribute_macros = 0;   // `TORCH_API`, `__global__`, `*_API` names blanked
  int kernel_launches = 0;    // `<<<...>>>` configurations blanked
  int statement_macros = 0;   // `NAME(...)` lines without a semicolon blanked
  int field_macros = 0;       // `TORCH_ARG(T, name)` rewritten to `T name`
  int braced_defaults = 0;    // `= {}` default arguments rewritten to `= 0`
};

// Returns the recovered copy of `text`. `attribute_macros` are the configured names
// (Settings::attribute_macros); CUDA's own specifiers (`__shared__`, `__launch_bounds__(...)`)
// and export macros spelled `*_API` / `*_EXPORT` / `*_IMPORT` are always blanked.
// Comments, string and character literals and preprocessor directives are never touched.
std::string recover_cpp_source(std::string_view text, const std::vector<std::string>& attribute_macros,
                               CppRecoveryStats* stats = nullptr);

}  // namespace torchlint
