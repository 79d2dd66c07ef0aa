#pragma once
// The type-aware C++ engine (issue 11): C++ files listed in a compilation database are
// parsed by Clang and the type-aware forms of TL201, TL501, TL503, TL504, TL602, TL701,
// TL702 and TL801 run on Clang's AST (checks.h); the other C++ rules still run on the
// tree-sitter tree of the same file. Built only with TORCHLINT_WITH_CLANG.
namespace torchlint {

// Installs the engine behind linter/run/type_aware.h (the CLI calls it once).
void install_clang_engine();

}  // namespace torchlint
