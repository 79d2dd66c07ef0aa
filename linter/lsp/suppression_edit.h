#pragma once
// The "Suppress TLxxx on this line" quick fix: where to put which text so that a line
// suppression (catalog conventions) covers a code on one line.
#include <tree_sitter/api.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "linter/source/source_file.h"

namespace torchlint::lsp {

// Replace the bytes [start, end) with `text` (end == start: an insertion).
struct LineEdit {
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  std::string text;
};

// The insertion that suppresses `code` on 0-based `row` of `text` (parsed as `root`):
// an existing `# noqa: A` / `// NOLINT(A)` list on the line is extended, otherwise
// `  # noqa: CODE` / `  // NOLINT(CODE)` is appended (replacing trailing blanks). Nullopt when no comment can go
// there: the line ends inside a string or block comment or continues with `\`, or the
// line already has a suppression of every code.
std::optional<LineEdit> suppression_edit(std::string_view text, TSNode root, Language language, std::uint32_t row,
                                           std::string_view code);

}  // namespace torchlint::lsp
