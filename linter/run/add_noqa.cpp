#include "linter/run/add_noqa.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <set>

#include "linter/parse/parser.h"
#include "linter/run/fix_helpers.h"
#include "linter/run/rule.h"
#include "linter/run/suppressions.h"
#include "linter/semantic/cpp_preprocess.h"

namespace torchlint {
namespace {

bool is_type(TSNode node, const char* type) { return std::strcmp(ts_node_type(node), type) == 0; }

// Tokens that may span lines and cannot hold a comment inside.
bool is_multiline_token(TSNode node) {
  static constexpr const char* kTypes[] = {"string", "string_content", "comment", "string_literal",
                                           "raw_string_literal", "char_literal", "system_lib_string"};
  return std::any_of(std::begin(kTypes), std::end(kTypes), [&](const char* type) { return is_type(node, type); });
}

// True when byte `at` lies strictly inside a string or comment token.
bool inside_token(TSNode root, std::uint32_t at) {
  for (TSNode node = ts_node_descendant_for_byte_range(root, at, at); !ts_node_is_null(node);
       node = ts_node_parent(node)) {
    if (ts_node_start_byte(node) >= at || ts_node_end_byte(node) <= at) continue;
    if (is_multiline_token(node)) return true;
  }
  return false;
}

// The comment node that contains byte `at`, if any.
TSNode comment_at(TSNode root, std::uint32_t at) {
  for (TSNode node = ts_node_descendant_for_byte_range(root, at, at); !ts_node_is_null(node);
       node = ts_node_parent(node)) {
    if (is_type(node, "comment") && ts_node_start_byte(node) <= at && at < ts_node_end_byte(node)) return node;
  }
  return TSNode{};
}

// Comments that start on the line [start, end).
void collect_comments(TSNode node, std::uint32_t start, std::uint32_t end, std::vector<TSNode>& out) {
  if (ts_node_end_byte(node) <= start || ts_node_start_byte(node) >= end) return;
  if (is_type(node, "comment")) {
    if (ts_node_start_byte(node) >= start) out.push_back(node);
    return;
  }
  const std::uint32_t count = ts_node_child_count(node);
  for (std::uint32_t i = 0; i < count; ++i) collect_comments(ts_node_child(node, i), start, end, out);
}

std::string join(const std::set<std::string>& codes) {
  std::string out;
  for (const auto& code : codes) out += (out.empty() ? "" : ", ") + code;
  return out;
}

// Where ", CODES" goes in an existing line directive of the comment: after the last code of
// `# noqa: A, B` / inside `NOLINT(...)`. `covers_all`: a bare directive (nothing to add).
struct Existing {
  bool found = false;
  bool covers_all = false;
  std::uint32_t insert_at = 0;
  bool empty_list = false;
};

// The code list after "noqa" at `pos` (a line `# noqa: A` or a file-level `torchlint: noqa: A`).
// A line holding a file-level directive can take no other comment (its text would belong to the
// directive), so a finding there (TL003 about that very directive) extends its list.
Existing noqa_list(std::string_view comment, std::uint32_t start, std::size_t pos) {
  const std::vector<CodeSpan> codes = noqa_code_spans(comment, pos + 4);
  if (codes.empty()) return {true, true};  // bare, or `# noqa:` with no codes: covers all
  return {true, false, start + static_cast<std::uint32_t>(codes.back().end)};
}

Existing python_directive(std::string_view comment, std::uint32_t start) {
  const std::string text = ascii_lower(comment);
  if (const auto file_level = text.find("torchlint: noqa"); file_level != std::string::npos) {
    return noqa_list(comment, start, file_level + 11);
  }
  const std::size_t pos = text.find("noqa");
  if (pos == std::string::npos) return {};
  return noqa_list(comment, start, pos);
}

// `NOLINT(...)` (kind "") or `NOLINTNEXTLINE(...)` (kind "NEXTLINE") in a C++ comment.
Existing cpp_directive(std::string_view comment, std::uint32_t start, std::string_view kind) {
  if (const auto file_level = ascii_lower(comment).find("torchlint: noqa"); file_level != std::string::npos) {
    return kind.empty() ? noqa_list(comment, start, file_level + 11) : Existing{};
  }
  for (std::size_t pos = comment.find("NOLINT"); pos != std::string_view::npos; pos = comment.find("NOLINT", pos + 6)) {
    std::string_view rest = comment.substr(pos + 6);
    const bool nextline = rest.starts_with("NEXTLINE");
    if (rest.starts_with("BEGIN") || rest.starts_with("END")) continue;
    if (nextline != (kind == "NEXTLINE")) continue;
    std::size_t open = pos + 6 + (nextline ? 8 : 0);
    if (open >= comment.size() || comment[open] != '(') return {true, true};
    const std::size_t close = comment.find(')', open);
    if (close == std::string_view::npos) return {true, true};
    const std::string_view list = comment.substr(open + 1, close - open - 1);
    if (list.find('*') != std::string_view::npos) return {true, true};
    const bool empty = std::all_of(list.begin(), list.end(), [](char c) { return c == ' ' || c == '\t'; });
    std::size_t insert = close;
    while (!empty && insert > open + 1 && (comment[insert - 1] == ' ' || comment[insert - 1] == '\t')) --insert;
    return {true, false, start + static_cast<std::uint32_t>(insert), empty};
  }
  return {};
}

}  // namespace

AddNoqaResult add_noqa(std::string_view text, Language language, const std::vector<Diagnostic>& diagnostics,
                       const std::string& path, const Settings& settings) {
  AddNoqaResult result;
  result.text = std::string(text);
  // Codes per reported row.
  std::map<std::uint32_t, std::set<std::string>> rows;
  for (const Diagnostic& d : diagnostics) {
    if (d.rule == nullptr || d.rule->code == "TL001" || d.cell) continue;
    rows[d.noqa_row].emplace(d.rule->code);
  }
  if (rows.empty()) return result;

  const std::string recovered = language == Language::Cpp ? recover_cpp_source(text, settings.attribute_macros) : "";
  Tree tree = parse(language, language == Language::Cpp ? std::string_view(recovered) : text);
  if (!tree) {
    result.messages.push_back(path + ": the parser gave up on this file; no suppressions added");
    return result;
  }
  const TSNode root = ts_tree_root_node(tree.get());
  const LineIndex lines(text);
  const std::string eol(line_ending(text));
  const std::uint32_t bom = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;

  struct LineInfo {
    std::uint32_t start, end, content_end;  // content_end: before trailing blanks
    bool has_newline;
  };
  auto line_info = [&](std::uint32_t row) {
    LineInfo info{};
    info.start = std::max(lines.line_start(row - 1), row == 1 ? bom : 0U);
    const std::string_view line = lines.line(row - 1);
    info.end = lines.line_start(row - 1) + static_cast<std::uint32_t>(line.size());
    info.has_newline = info.end < text.size();
    info.content_end = info.end;
    while (info.content_end > info.start && (text[info.content_end - 1] == ' ' || text[info.content_end - 1] == '\t')) {
      --info.content_end;
    }
    return info;
  };
  // The position of the line's '\n' (after a '\r').
  auto newline_of = [&](const LineInfo& info) {
    return info.end < text.size() && text[info.end] == '\r' ? info.end + 1 : info.end;
  };
  // A comment can end this line: its newline is not inside a token and it does not continue with `\`.
  auto can_end_line = [&](const LineInfo& info) {
    if (info.has_newline && inside_token(root, newline_of(info))) return false;
    if (info.content_end > info.start && text[info.content_end - 1] == '\\' &&
        ts_node_is_null(comment_at(root, info.content_end - 1))) {
      return false;
    }
    return true;
  };

  std::vector<Edit> edits;
  std::set<std::string> unplaced;  // codes of rows no line suppression can reach
  std::vector<std::uint32_t> unplaced_rows;
  for (const auto& [row, codes] : rows) {
    if (row == 0 || row > lines.line_count()) continue;
    const LineInfo info = line_info(row);
    if (can_end_line(info)) {
      std::vector<TSNode> comments;
      collect_comments(root, info.start, info.end, comments);
      bool done = false;
      for (TSNode comment : comments) {
        const std::uint32_t start = ts_node_start_byte(comment);
        const std::string_view comment_text = text.substr(start, ts_node_end_byte(comment) - start);
        const Existing existing =
            language == Language::Python ? python_directive(comment_text, start) : cpp_directive(comment_text, start, "");
        if (!existing.found) continue;
        if (!existing.covers_all) {
          edits.push_back(insert_edit(existing.insert_at, (existing.empty_list ? "" : ", ") + join(codes)));
          ++result.added;
        }
        done = true;
        break;
      }
      if (done) continue;
      const std::string comment =
          language == Language::Python ? "  # noqa: " + join(codes) : "  // NOLINT(" + join(codes) + ")";
      edits.push_back(replace_edit(info.content_end, info.end, comment));
      ++result.added;
      continue;
    }
    const std::string where = path + ":" + std::to_string(row) + ": ";
    if (language == Language::Python) {
      unplaced.insert(codes.begin(), codes.end());
      unplaced_rows.push_back(row);
      result.messages.push_back(where + "no line suppression fits here (the line ends inside a multi-line string or "
                                        "continues with `\\`): " + join(codes) + " suppressed file-wide instead");
      continue;
    }
    // C++: NOLINTNEXTLINE on a new line above, which must be free to take one.
    if (row > 1) {
      const LineInfo above = line_info(row - 1);
      if (!can_end_line(above)) {
        unplaced.insert(codes.begin(), codes.end());
        unplaced_rows.push_back(row);
        result.messages.push_back(where + "neither this line nor the one above can take a suppression comment: " +
                                  join(codes) + " suppressed file-wide instead");
        continue;
      }
      // Extend a NOLINTNEXTLINE already there.
      std::vector<TSNode> comments;
      collect_comments(root, above.start, above.end, comments);
      bool extended = false;
      for (TSNode comment : comments) {
        const std::uint32_t start = ts_node_start_byte(comment);
        const Existing existing =
            cpp_directive(text.substr(start, ts_node_end_byte(comment) - start), start, "NEXTLINE");
        if (!existing.found) continue;
        if (!existing.covers_all) {
          edits.push_back(insert_edit(existing.insert_at, (existing.empty_list ? "" : ", ") + join(codes)));
          ++result.added;
        }
        extended = true;
        break;
      }
      if (extended) continue;
    }
    std::uint32_t indent_end = info.start;
    while (indent_end < info.end && (text[indent_end] == ' ' || text[indent_end] == '\t')) ++indent_end;
    const std::string line = std::string(text.substr(info.start, indent_end - info.start)) + "// NOLINTNEXTLINE(" +
                             join(codes) + ")" + eol;
    edits.push_back(insert_edit(info.start, line));
    ++result.added;
  }
  if (!unplaced.empty()) {
    // The file-level form, limited to those codes, on a line of its own near the top: after a
    // shebang and a PEP 263 encoding line, which must stay on lines 1-2.
    std::uint32_t row = 1;
    auto is_header = [&](std::uint32_t r) {
      if (r > lines.line_count()) return false;
      const std::string_view line = lines.line(r - 1);
      if (language != Language::Python) return false;
      if (r == 1 && line.substr(line.starts_with("\xEF\xBB\xBF") ? 3 : 0).starts_with("#!")) return true;
      return line.find("coding") != std::string_view::npos && line.find_first_not_of(" \t\f") != std::string_view::npos &&
             line[line.find_first_not_of(" \t\f")] == '#';
    };
    while (row <= 2 && is_header(row)) ++row;
    std::string rows_text;
    for (std::uint32_t r : unplaced_rows) rows_text += (rows_text.empty() ? "" : ", ") + std::to_string(r);
    const std::string marker = language == Language::Python ? "# " : "// ";
    const std::string line = marker + "torchlint: noqa: " + join(unplaced) + " -- added by --add-noqa: no line " +
                             "suppression fits line" + (unplaced_rows.size() > 1 ? "s " : " ") + rows_text + eol;
    std::uint32_t at = row <= lines.line_count() ? std::max(lines.line_start(row - 1), row == 1 ? bom : 0U)
                                                 : static_cast<std::uint32_t>(text.size());
    std::string content = line;
    if (at == text.size() && !text.empty() && text.back() != '\n') content = eol + line;
    // Several edits may start at the same place (a NOLINTNEXTLINE line on row `row`): this one first.
    edits.insert(edits.begin(), insert_edit(at, content));
    ++result.added;
  }
  if (edits.empty()) return result;
  std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.start < b.start; });
  std::string out;
  out.reserve(text.size() + edits.size() * 24);
  std::uint32_t at = 0;
  for (const Edit& edit : edits) {
    if (edit.start < at) continue;  // cannot happen: one edit per line (insertions at one place all apply)
    out.append(text.substr(at, edit.start - at));
    out += edit.content;
    at = edit.end;
  }
  out.append(text.substr(at));
  result.text = std::move(out);
  return result;
}

}  // namespace torchlint
