#pragma once
// TL002: the first parse error of a file, told honestly. In C++ it is always a note
// (macros the preprocessor would expand). In Python, constructs CPython accepts but
// tree-sitter-python cannot parse are a note saying the construct is not understood.
#include <tree_sitter/api.h>

#include <optional>

#include "linter/run/diagnostic.h"
#include "linter/source/source_file.h"

namespace torchlint {

std::optional<Diagnostic> find_syntax_error(const SourceFile& file, TSNode root);

}  // namespace torchlint
