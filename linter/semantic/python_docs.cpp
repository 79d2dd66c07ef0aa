#include "linter/semantic/python_docs.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "linter/parse/kinds.h"
#include "linter/parse/parser.h"
#include "linter/parse/walk.h"

namespace torchlint {
namespace {

bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
// Characters of one dimension's operand: names, numbers, LaTeX (`C_{in}`, `H^2`, `\times`).
bool is_operand_char(char c) { return is_identifier_char(c) || c == '{' || c == '}' || c == '^' || c == '\\'; }
bool is_operator_char(char c) { return c == '*' || c == '+' || c == '-' || c == '/'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Words that describe a type or an option, never a dimension: `(Tensor, optional)`, `(int)`.
bool is_type_word(std::string_view item) {
  static constexpr std::array<std::string_view, 26> kTypeWords = {
      "optional", "tensor", "tensors", "int", "ints", "float", "floats", "bool", "str", "string",
      "list", "tuple", "dict", "none", "default", "array", "ndarray", "callable", "sequence", "any",
      "object", "long", "double", "dtype", "device", "module"};
  return std::any_of(kTypeWords.begin(), kTypeWords.end(),
                     [&](std::string_view word) { return equals_ignoring_case(item, word); });
}

// One dimension: operands (names, numbers, `...`) joined by arithmetic operators, or a
// starred name (`*`, `*batch`). Two operands side by side (`batch size`) are prose.
bool is_dimension(std::string_view item) {
  item = trim(item);
  if (item.empty() || is_type_word(item)) return false;
  bool expect_operand = true;  // after an operator (or at the start) an operand may follow
  bool seen_operand = false;
  std::size_t i = 0;
  while (i < item.size()) {
    const char c = item[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (item.substr(i, 3) == "...") {
      if (!expect_operand) return false;
      expect_operand = false;
      seen_operand = true;
      i += 3;
    } else if (is_operand_char(c)) {
      if (!expect_operand) return false;
      while (i < item.size() && is_operand_char(item[i])) ++i;
      expect_operand = false;
      seen_operand = true;
    } else if (is_operator_char(c)) {
      expect_operand = true;
      ++i;
    } else {
      return false;
    }
  }
  return seen_operand || item == "*";
}

// Upper-case (`B`, `BT`, `H*W`) or a number: the only single items that make a group.
bool is_upper_case_or_number(std::string_view item) {
  item = trim(item);
  bool has_alnum = false;
  for (char c : item) {
    if (std::islower(static_cast<unsigned char>(c))) return false;
    if (std::isalnum(static_cast<unsigned char>(c))) has_alnum = true;
  }
  return has_alnum;
}

bool is_shape_group(std::string_view inside) {
  std::vector<std::string_view> items;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = inside.find(',', start);
    items.push_back(inside.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (items.size() == 1) return is_dimension(items[0]) && is_upper_case_or_number(items[0]);
  // `(N,)`: a trailing comma is allowed.
  if (trim(items.back()).empty()) items.pop_back();
  if (items.empty()) return false;
  return std::all_of(items.begin(), items.end(), is_dimension);
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::size_t indent_of(std::string_view line) {
  std::size_t indent = 0;
  while (indent < line.size() && (line[indent] == ' ' || line[indent] == '\t')) ++indent;
  return indent;
}

// The quotes (and string prefix) around a docstring's first and last lines are not text.
std::string_view strip_quotes(std::string_view line) {
  line = trim(line);
  const std::size_t quote = line.find_first_of("\"'");
  if (quote != std::string_view::npos && quote <= 2 &&
      line.substr(0, quote).find_first_not_of("rRuUbBfF") == std::string_view::npos) {
    line.remove_prefix(quote);
  }
  while (!line.empty() && (line.front() == '"' || line.front() == '\'')) line.remove_prefix(1);
  while (!line.empty() && (line.back() == '"' || line.back() == '\'')) line.remove_suffix(1);
  return trim(line);
}

bool is_dash_line(std::string_view line) {
  line = trim(line);
  return line.size() >= 2 && line.find_first_not_of('-') == std::string_view::npos;
}

// `Args:`, `Raises:`, `Example:`, `See Also:` (and reST's `Examples::`): a Google-style
// section header.
bool is_google_header(std::string_view line) {
  line = strip_quotes(line);
  if (line.size() < 2 || line.back() != ':' || !std::isupper(static_cast<unsigned char>(line.front()))) return false;
  line.remove_suffix(1);
  if (line.ends_with(':')) line.remove_suffix(1);
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == ' '; });
}

bool is_returns_word(std::string_view word) { return word == "Returns" || word == "Return"; }

}  // namespace

bool has_shape_group(std::string_view text) {
  std::size_t open = std::string_view::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') {
      open = i;  // innermost group: the last '(' before a ')'
    } else if (text[i] == ')' && open != std::string_view::npos) {
      if (is_shape_group(text.substr(open + 1, i - open - 1))) return true;
      open = std::string_view::npos;
    }
  }
  return false;
}

bool contains_word(std::string_view text, std::string_view word) {
  if (word.empty()) return false;
  for (std::size_t at = text.find(word); at != std::string_view::npos; at = text.find(word, at + 1)) {
    const bool left = at == 0 || !is_identifier_char(text[at - 1]);
    const std::size_t end = at + word.size();
    const bool right = end >= text.size() || !is_identifier_char(text[end]);
    if (left && right) return true;
  }
  return false;
}

std::vector<std::string_view> returns_section(std::string_view docstring) {
  const std::vector<std::string_view> lines = split_lines(docstring);
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view stripped = strip_quotes(lines[i]);
    // NumPy style: `Returns` over dashes, up to the next header over dashes.
    if (is_returns_word(stripped) && i + 1 < lines.size() && is_dash_line(lines[i + 1])) {
      std::vector<std::string_view> section;
      for (std::size_t j = i + 2; j < lines.size(); ++j) {
        if (j + 1 < lines.size() && is_dash_line(lines[j + 1]) && !trim(lines[j]).empty()) break;
        section.push_back(lines[j]);
      }
      return section;
    }
    // Google style: `Returns:` (maybe with text after it), up to the next header no deeper.
    const std::size_t colon = stripped.find(':');
    if (colon == std::string_view::npos || !is_returns_word(trim(stripped.substr(0, colon)))) continue;
    std::vector<std::string_view> section = {stripped.substr(colon + 1)};
    const std::size_t header_indent = indent_of(lines[i]);
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      if (!trim(lines[j]).empty() && indent_of(lines[j]) <= header_indent && is_google_header(lines[j])) break;
      section.push_back(lines[j]);
    }
    return section;
  }
  return {};
}

bool documents_parameter_shape(std::string_view docstring, std::string_view name) {
  for (std::string_view line : split_lines(docstring)) {
    if (contains_word(line, name) && has_shape_group(line)) return true;
  }
  return false;
}

bool documents_return_shape(std::string_view docstring) {
  for (std::string_view line : returns_section(docstring)) {
    if (has_shape_group(line)) return true;
    std::string lower(line);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (contains_word(lower, "scalar")) return true;
  }
  return false;
}

std::vector<TSNode> comments_in(TSNode node) {
  std::vector<TSNode> comments;
  const KindTable& kinds = kind_table(Language::Python);
  const KindId comment = py_kinds().comment;
  walk_tree(
      node,
      [&](TSNode child) {
        if (kinds.of(child) == comment) comments.push_back(child);
        return true;
      },
      [](TSNode) {});
  return comments;
}

bool has_shape_comment(TSNode function_definition, std::string_view source) {
  for (TSNode comment : comments_in(function_definition)) {
    std::string_view text = node_text(comment, source);
    while (!text.empty() && (text.front() == '#' || text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    if (text.size() >= 6 && equals_ignoring_case(text.substr(0, 6), "shape:")) return true;
  }
  return false;
}

}  // namespace torchlint
