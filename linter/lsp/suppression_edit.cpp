#include "linter/lsp/suppression_edit.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <vector>

#include "linter/run/suppressions.h"

namespace torchlint::lsp {
namespace {

bool is_code_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

bool same_code(std::string_view a, std::string_view b) { return ascii_lower(a) == ascii_lower(b); }

bool is_type(TSNode node, const char* type) { return std::strcmp(ts_node_type(node), type) == 0; }

// Tokens that may span lines and cannot hold a comment inside.
bool is_multiline_token(TSNode node) {
  static constexpr const char* kTypes[] = {"string", "string_content", "comment", "string_literal",
                                           "raw_string_literal", "char_literal", "system_lib_string"};
  return std::any_of(std::begin(kTypes), std::end(kTypes), [&](const char* type) { return is_type(node, type); });
}

// Comments that start on the line [start, end] (pruned descent: only nodes overlapping it).
void collect_comments(TSNode node, std::uint32_t start, std::uint32_t end, std::vector<TSNode>& out) {
  if (ts_node_end_byte(node) <= start || ts_node_start_byte(node) > end) return;
  if (is_type(node, "comment")) {
    if (ts_node_start_byte(node) >= start) out.push_back(node);
    return;
  }
  const std::uint32_t count = ts_node_child_count(node);
  for (std::uint32_t i = 0; i < count; ++i) collect_comments(ts_node_child(node, i), start, end, out);
}

// True when the newline at `line_end` lies inside a string or block comment.
bool ends_inside_token(TSNode root, std::uint32_t line_end) {
  for (TSNode node = ts_node_descendant_for_byte_range(root, line_end, line_end); !ts_node_is_null(node);
       node = ts_node_parent(node)) {
    if (ts_node_start_byte(node) >= line_end || ts_node_end_byte(node) <= line_end) continue;
    if (is_multiline_token(node)) return true;
  }
  return false;
}

// What an existing suppression on the line says about `code`.
enum class Existing { None, CoversAll, Extend };
struct Found {
  Existing kind = Existing::None;
  std::uint32_t insert_at = 0;  // Extend: where ", CODE" goes
  bool empty_list = false;      // Extend into an empty `NOLINT()`
};

// `# noqa[: codes]` in a Python comment, as the suppression parser reads it.
Found python_noqa(std::string_view comment, std::uint32_t comment_start, std::string_view code) {
  const std::string text = ascii_lower(comment);
  if (text.find("torchlint: noqa") != std::string::npos) return {Existing::CoversAll};  // file-level; leave it be
  const std::size_t pos = text.find("noqa");
  if (pos == std::string::npos) return {};
  const std::vector<CodeSpan> codes = noqa_code_spans(comment, pos + 4);
  // Bare, or "# noqa:" with no codes: covers every code.
  if (codes.empty()) return {Existing::CoversAll};
  for (const CodeSpan& span : codes) {
    if (same_code(comment.substr(span.start, span.end - span.start), code)) return {Existing::CoversAll};
  }
  return {Existing::Extend, comment_start + static_cast<std::uint32_t>(codes.back().end)};
}

// `NOLINT[(codes)]` for this line in a C++ comment (not NEXTLINE/BEGIN/END, which are other lines').
Found cpp_nolint(std::string_view comment, std::uint32_t comment_start, std::string_view code) {
  if (ascii_lower(comment).find("torchlint: noqa") != std::string::npos) return {Existing::CoversAll};
  for (std::size_t pos = comment.find("NOLINT"); pos != std::string_view::npos; pos = comment.find("NOLINT", pos + 6)) {
    const std::string_view rest = comment.substr(pos + 6);
    if (rest.starts_with("NEXTLINE") || rest.starts_with("BEGIN") || rest.starts_with("END")) continue;
    if (rest.empty() || rest[0] != '(') return {Existing::CoversAll};
    const std::size_t close = rest.find(')');
    if (close == std::string_view::npos) return {Existing::CoversAll};  // clang-tidy reads an unclosed list as bare
    const std::string_view list = rest.substr(1, close - 1);
    if (list.find('*') != std::string_view::npos) return {Existing::CoversAll};
    for (std::size_t i = 0; i < list.size();) {
      while (i < list.size() && !is_code_char(list[i])) ++i;
      std::size_t end = i;
      while (end < list.size() && is_code_char(list[end])) ++end;
      if (end > i && same_code(list.substr(i, end - i), code)) return {Existing::CoversAll};
      i = end;
    }
    const bool empty = std::all_of(list.begin(), list.end(), [](char c) { return c == ' ' || c == '\t'; });
    // Insert before ")" (after the last non-blank character of the list).
    std::size_t insert = pos + 6 + 1 + list.size();
    while (!empty && insert > pos + 7 && (comment[insert - 1] == ' ' || comment[insert - 1] == '\t')) --insert;
    return {Existing::Extend, comment_start + static_cast<std::uint32_t>(insert), empty};
  }
  return {};
}

}  // namespace

std::optional<LineEdit> suppression_edit(std::string_view text, TSNode root, Language language, std::uint32_t row,
                                           std::string_view code) {
  // The line's bytes [start, end), without its terminator.
  std::size_t start = 0;
  for (std::uint32_t r = 0; r < row; ++r) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return std::nullopt;
    ++start;
  }
  std::size_t end = text.find('\n', start);
  if (end == std::string_view::npos) end = text.size();
  const auto newline = static_cast<std::uint32_t>(end);
  if (end > start && text[end - 1] == '\r') --end;
  std::size_t content_end = end;
  while (content_end > start && (text[content_end - 1] == ' ' || text[content_end - 1] == '\t')) --content_end;

  if (newline < text.size() && ends_inside_token(root, newline)) return std::nullopt;

  std::vector<TSNode> comments;
  collect_comments(root, static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end), comments);
  for (TSNode comment : comments) {
    const std::uint32_t comment_start = ts_node_start_byte(comment);
    const std::string_view comment_text = text.substr(comment_start, ts_node_end_byte(comment) - comment_start);
    const Found found = language == Language::Python ? python_noqa(comment_text, comment_start, code)
                                                     : cpp_nolint(comment_text, comment_start, code);
    if (found.kind == Existing::CoversAll) return std::nullopt;
    if (found.kind == Existing::Extend) {
      return LineEdit{found.insert_at, found.insert_at, found.empty_list ? std::string(code) : ", " + std::string(code)};
    }
  }

  // A trailing `\` outside a comment continues the line: a comment after it would break the code.
  const bool in_comment = std::any_of(comments.begin(), comments.end(), [&](TSNode c) {
    return ts_node_end_byte(c) >= content_end && ts_node_start_byte(c) < content_end;
  });
  if (content_end > start && text[content_end - 1] == '\\' && !in_comment) return std::nullopt;

  const std::string comment = language == Language::Python ? "  # noqa: " + std::string(code)
                                                           : "  // NOLINT(" + std::string(code) + ")";
  return LineEdit{static_cast<std::uint32_t>(content_end), static_cast<std::uint32_t>(end), comment};
}

}  // namespace torchlint::lsp
