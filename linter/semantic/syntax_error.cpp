#include "linter/semantic/syntax_error.h"

#include <string>

#include "linter/parse/parser.h"
#include "linter/run/lint_file.h"
#include "linter/semantic/python_grammar_gaps.h"

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

// Where the parse failed: the byte span of an error node, and for a MISSING node the token
// the parser expected. Plain data, so it may outlive the tree it came from.
struct ErrorSite {
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  std::string expected;  // non-empty for a MISSING node
};

ErrorSite site_of(TSNode error) {
  ErrorSite site{ts_node_start_byte(error), ts_node_end_byte(error), {}};
  if (ts_node_is_missing(error)) site.expected = ts_node_type(error);
  return site;
}

// Python the grammar cannot parse but CPython accepts. After rewriting the known gaps (same
// length, so byte offsets agree), either the reparsed text is clean, and every parse error of
// the file came from a gap, or the first error left is a real one.
struct PythonVerdict {
  bool grammar_gap = false;
  GrammarGap gap;
};

PythonVerdict classify_python_error(std::string_view text, ErrorSite& site) {
  GapRewrite rewrite = rewrite_grammar_gaps(text);
  if (rewrite.gaps.empty()) return {};
  Tree tree = parse(Language::Python, rewrite.text);
  if (!tree) return {};
  TSNode root = ts_tree_root_node(tree.get());
  if (!ts_node_has_error(root)) return {true, rewrite.gaps.front()};
  // A real error remains. Report it where it is, unless error recovery put it before the first
  // error of the original text (then the original node is the better location).
  ErrorSite remaining = site_of(first_error(root));
  if (remaining.start > site.start) site = std::move(remaining);
  return {};
}

std::string grammar_gap_message(const SourceFile& file, const GrammarGap& gap) {
  const std::uint32_t row = file.lines().row_of(gap.start) + 1;
  return "construct not understood by the parser: " + std::string(gap.construct) + " on line " +
         std::to_string(row) + " is valid Python that tree-sitter-python cannot parse; rules were skipped "
         "there (this is not a syntax error)";
}

// The grammar accepts any indentation; CPython does not. An indentation error is a real
// syntax error, reported when it comes before the first parse error (or there is none).
std::optional<ErrorSite> indentation_site(const SourceFile& file, std::string& message) {
  auto error = find_indentation_error(file.text());
  if (!error) return std::nullopt;
  message = "syntax error: " + std::string(error->message);
  const std::string_view line = file.lines().line(file.lines().row_of(error->start));
  const auto line_end = static_cast<std::uint32_t>(line.data() - file.text().data() + line.size());
  return ErrorSite{error->start, line_end, {}};
}

}  // namespace

std::optional<Diagnostic> find_syntax_error(const SourceFile& file, TSNode root) {
  const bool python = file.language() == Language::Python;
  std::string indentation_message;
  std::optional<ErrorSite> indentation = python ? indentation_site(file, indentation_message) : std::nullopt;
  if (!ts_node_has_error(root) && !indentation) return std::nullopt;
  ErrorSite site = indentation ? *indentation : ErrorSite{};
  PythonVerdict verdict;
  if (ts_node_has_error(root)) {
    ErrorSite parse_site = site_of(first_error(root));
    if (python) verdict = classify_python_error(file.text(), parse_site);
    if (!indentation || (!verdict.grammar_gap && parse_site.start < indentation->start)) {
      site = parse_site;
      indentation.reset();
    }
  }
  if (indentation) verdict = {};
  const std::uint32_t start = site.start;
  std::uint32_t end = site.end;
  // Keep the span on its first line: an ERROR node can swallow the rest of the file.
  const std::uint32_t row0 = file.lines().row_of(start);
  const std::string_view line = file.lines().line(row0);
  const auto line_end = static_cast<std::uint32_t>(line.data() - file.text().data() + line.size());
  if (end > line_end && line_end >= start) end = line_end;
  std::string message;
  if (indentation) {
    message = std::move(indentation_message);
  } else if (!site.expected.empty()) {
    message = "syntax error: expected `" + site.expected + "`";
  } else {
    message = "syntax error: unexpected input";
  }
  Diagnostic diagnostic = meta_diagnostic(
      "TL002", file.path(), "", Range{file.lines().position(start), file.lines().position(end)});
  diagnostic.start_byte = start;
  diagnostic.end_byte = end;
  if (verdict.grammar_gap) {
    diagnostic.level = Level::Note;
    message = grammar_gap_message(file, verdict.gap);
  }
  if (file.language() == Language::Cpp) {
    diagnostic.level = Level::Note;
    message = "the C++ parser could not understand this code (often a macro the preprocessor would expand); "
              "rules were skipped there";
  }
  diagnostic.message = std::move(message);
  return diagnostic;
}

}  // namespace torchlint
