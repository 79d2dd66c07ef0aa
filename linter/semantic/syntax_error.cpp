#include "linter/semantic/syntax_error.h"

#include "linter/run/lint_file.h"

namespace torchlint {
namespace {

// The first ERROR or MISSING node in document order.
TSNode first_error(TSNode root) {
  TSNode node = root;
  for (;;) {
    if (ts_node_is_error(node) || ts_node_is_missing(node)) return node;
    const std::uint32_t count = ts_node_child_count(node);
    bool descended = false;
    for (std::uint32_t i = 0; i < count; ++i) {
      TSNode child = ts_node_child(node, i);
      if (ts_node_has_error(child)) {
        node = child;
        descended = true;
        break;
      }
    }
    if (!descended) return node;
  }
}

}  // namespace

std::optional<Diagnostic> find_syntax_error(const SourceFile& file, TSNode root) {
  if (!ts_node_has_error(root)) return std::nullopt;
  TSNode error = first_error(root);
  const std::uint32_t start = ts_node_start_byte(error);
  std::uint32_t end = ts_node_end_byte(error);
  // Keep the span on its first line: an ERROR node can swallow the rest of the file.
  const std::uint32_t row0 = file.lines().row_of(start);
  const std::string_view line = file.lines().line(row0);
  const auto line_end = static_cast<std::uint32_t>(line.data() - file.text().data() + line.size());
  if (end > line_end && line_end >= start) end = line_end;
  std::string message;
  if (ts_node_is_missing(error)) {
    message = std::string("syntax error: expected `") + ts_node_type(error) + "`";
  } else {
    message = "syntax error: unexpected input";
  }
  Diagnostic diagnostic = meta_diagnostic(
      "TL002", file.path(), "", Range{file.lines().position(start), file.lines().position(end)});
  diagnostic.start_byte = start;
  diagnostic.end_byte = end;
  if (file.language() == Language::Cpp) {
    diagnostic.level = Level::Note;
    message = "the C++ parser could not understand this code (often a macro the preprocessor would expand); "
              "rules were skipped there";
  }
  diagnostic.message = std::move(message);
  return diagnostic;
}

}  // namespace torchlint
