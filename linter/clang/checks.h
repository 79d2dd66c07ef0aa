#pragma once
// The type-aware C++ checks (catalog "Type-aware C++ mode"), run on Clang's AST of one
// translation unit. They report only in the main file, at byte offsets into it; the engine
// (engine.cpp) turns those into diagnostics with code-point columns, applies suppressions
// and merges them with the syntax rules' findings.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace clang {
class ASTContext;
}

namespace torchlint {

struct RuleInfo;
struct Settings;
class RuleSet;

struct ClangFinding {
  const RuleInfo* rule = nullptr;
  std::uint32_t start_byte = 0;  // main file, [start, end)
  std::uint32_t end_byte = 0;
  std::string message;
};

// One row per type-aware rule: its code and what the types decide (for docs and --help).
struct ClangCheckInfo {
  std::string_view code;
  std::string_view decided_by;
};
std::span<const ClangCheckInfo> clang_checks();

// Runs the checks of `clang_checks()` that `rules` selects over the main file of `context`.
std::vector<ClangFinding> run_clang_checks(clang::ASTContext& context, const Settings& settings, const RuleSet& rules);

}  // namespace torchlint
