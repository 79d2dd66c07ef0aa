#include "linter/run/notebook.h"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

#include "linter/run/lint_file.h"
#include "linter/run/rule.h"
#include "linter/run/suppressions.h"
#include "linter/source/source_file.h"

namespace torchlint {
namespace {

using Json = nlohmann::json;

// Cell magics whose body is Python that IPython runs as such; any other cell magic
// (`%%bash`, `%%writefile`, `%%html`, ...) makes the cell not Python at all.
constexpr std::array<std::string_view, 6> kPythonCellMagics = {"time", "timeit", "capture", "prun", "debug", "memit"};

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) {
      lines.push_back(text.substr(begin));
      break;
    }
    lines.push_back(text.substr(begin, end + 1 - begin));
    begin = end + 1;
  }
  return lines;
}

std::string_view trim_end(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

std::size_t indent_of(std::string_view line) { return std::min(line.find_first_not_of(" \t"), line.size()); }

// What a line-by-line scan needs to know about Python strings: whether a line starts
// inside a triple-quoted string (then it is string content, never IPython), and where
// its comment starts.
class PythonLineScanner {
 public:
  [[nodiscard]] bool in_string() const { return triple_ != 0; }

  // Advances over `line`; returns the offset of its comment's `#`, or npos.
  std::size_t scan(std::string_view line) {
    std::size_t i = 0;
    std::size_t comment = std::string_view::npos;
    while (i < line.size()) {
      const char c = line[i];
      if (triple_ != 0) {
        if (c == '\\') {
          i += 2;
        } else if (line.substr(i).starts_with(std::string(3, triple_))) {
          triple_ = 0;
          i += 3;
        } else {
          ++i;
        }
        continue;
      }
      if (c == '#') {
        comment = i;
        break;
      }
      if (c == '"' || c == '\'') {
        if (line.substr(i).starts_with(std::string(3, c))) {
          triple_ = c;
          i += 3;
          continue;
        }
        ++i;
        while (i < line.size() && line[i] != c && line[i] != '\n') i += line[i] == '\\' ? 2 : 1;
        ++i;
        continue;
      }
      ++i;
    }
    return comment;
  }

 private:
  char triple_ = 0;
};

bool is_assignment_from_ipython(std::string_view code) {
  // `name = !cmd`, `a, b = %magic` (Python has no unary `!` or `%`).
  const std::size_t equals = code.find('=');
  if (equals == std::string_view::npos || equals == 0) return false;
  if (code.substr(equals).starts_with("==")) return false;
  for (char c : code.substr(0, equals)) {
    const bool target_char = std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '.' || c == ',' ||
                             c == ' ' || c == '\t' || c == '[' || c == ']' || c == '(' || c == ')' ||
                             static_cast<unsigned char>(c) >= 0x80;
    if (!target_char) return false;
  }
  const std::size_t value = code.find_first_not_of(" \t", equals + 1);
  return value != std::string_view::npos && (code[value] == '!' || code[value] == '%');
}

bool is_ipython_line(std::string_view line, std::size_t comment) {
  const std::string_view code = trim_end(line.substr(0, comment));
  const std::string_view stripped = code.substr(indent_of(code));
  if (stripped.empty()) return false;
  if (stripped[0] == '%' || stripped[0] == '!' || stripped[0] == '?') return true;
  if (stripped.back() == '?') return true;  // `torch.zeros?` asks for help
  return is_assignment_from_ipython(stripped);
}

// The line that replaces an IPython line: empty, or `pass` where a block would
// otherwise be left without a body (`if x:` followed only by `!cmd`).
std::string replacement_for(std::string_view line, std::string_view previous_code) {
  const std::string_view ending = line.ends_with("\r\n") ? "\r\n" : line.ends_with('\n') ? "\n" : "";
  const std::size_t indent = indent_of(line);
  if (indent > 0 && previous_code.ends_with(':')) return std::string(line.substr(0, indent)) + "pass" + std::string(ending);
  return std::string(ending);
}

std::string cell_magic_name(std::string_view line) {
  std::string_view rest = line.substr(indent_of(line) + 2);
  const std::size_t end = rest.find_first_of(" \t\r\n");
  return std::string(rest.substr(0, end));
}

std::string source_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  std::string text;
  if (value.is_array()) {
    for (const auto& part : value) {
      if (part.is_string()) text += part.get<std::string>();
    }
  }
  return text;
}

bool is_python_notebook(const Json& notebook) {
  const Json metadata = notebook.value("metadata", Json::object());
  if (!metadata.is_object()) return true;
  for (const char* key : {"language_info", "kernelspec"}) {
    const auto it = metadata.find(key);
    if (it == metadata.end() || !it->is_object()) continue;
    const auto language = it->find(std::string_view(key) == "language_info" ? "name" : "language");
    if (language == it->end() || !language->is_string()) continue;
    std::string name = language->get<std::string>();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    return name == "python" || name == "python3" || name == "ipython";
  }
  return true;
}

const Json* notebook_cells(const Json& notebook) {
  if (auto it = notebook.find("cells"); it != notebook.end() && it->is_array()) return &*it;
  // nbformat 3 keeps cells in worksheets.
  if (auto it = notebook.find("worksheets"); it != notebook.end() && it->is_array() && !it->empty()) {
    const Json& sheet = (*it)[0];
    if (auto cells = sheet.find("cells"); cells != sheet.end() && cells->is_array()) return &*cells;
  }
  return nullptr;
}

std::string cell_source(const Json& cell) {
  if (auto it = cell.find("source"); it != cell.end()) return source_text(*it);
  if (auto it = cell.find("input"); it != cell.end()) return source_text(*it);  // nbformat 3
  return {};
}

// `# torchlint: noqa` comments of one cell: taken out of the joined source (so they do not
// apply to the whole notebook) and applied to the cell's own diagnostics.
struct CellDirectives {
  SuppressionSet suppressions;
  bool any = false;
};

// Replaces a file-level directive in `line` by spaces (same length: columns stay right)
// and records it.
void take_file_directive(std::string& line, std::size_t comment, std::uint32_t row, CellDirectives& directives) {
  if (comment == std::string::npos) return;
  std::string lowered = line.substr(comment);
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lowered.find("torchlint: noqa") == std::string::npos) return;
  const std::string comment_text(trim_end(std::string_view(line).substr(comment)));
  directives.suppressions.add_comment(comment_text, row, Language::Python, 0, 0);
  directives.any = true;
  const std::size_t end = comment + comment_text.size();
  for (std::size_t i = comment + 1; i < end; ++i) line[i] = ' ';
}

// strip_ipython plus directive extraction, one cell.
std::string prepare_cell(std::string_view cell_source, CellDirectives* directives) {
  const std::vector<std::string_view> lines = split_lines(cell_source);
  std::string out;
  out.reserve(cell_source.size());
  PythonLineScanner scanner;
  std::size_t first = 0;
  while (first < lines.size() && trim_end(lines[first]).empty()) ++first;
  bool skip_all = false;
  bool continuation = false;
  std::string previous_code;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = lines[i];
    const std::string_view ending = line.ends_with("\r\n") ? "\r\n" : line.ends_with('\n') ? "\n" : "";
    if (i == first && line.substr(indent_of(line)).starts_with("%%")) {
      // A cell magic: its body is Python only for the timing/capture family.
      const std::string name = cell_magic_name(line);
      skip_all = std::find(kPythonCellMagics.begin(), kPythonCellMagics.end(), name) == kPythonCellMagics.end();
      out += ending;
      continue;
    }
    if (skip_all) {
      out += ending;
      continue;
    }
    if (continuation) {
      // The rest of a magic continued with a trailing backslash.
      continuation = trim_end(line).ends_with('\\');
      out += ending;
      continue;
    }
    const bool starts_in_string = scanner.in_string();
    const std::size_t comment = scanner.scan(line);
    if (!starts_in_string && is_ipython_line(line, comment)) {
      continuation = trim_end(line.substr(0, comment)).ends_with('\\');
      out += replacement_for(line, previous_code);
      continue;
    }
    std::string kept(line);
    if (directives != nullptr && !starts_in_string) {
      take_file_directive(kept, comment, static_cast<std::uint32_t>(i + 1), *directives);
    }
    const std::string_view code = trim_end(line.substr(0, starts_in_string ? 0 : comment));
    if (!code.empty()) previous_code = std::string(code);
    out += kept;
  }
  return out;
}

Diagnostic to_cell_coordinates(Diagnostic d, const NotebookCell& cell) {
  const std::uint32_t shift = cell.first_row - 1;
  auto move_range = [&](Range& range) {
    range.start.row = range.start.row > shift ? range.start.row - shift : 1;
    range.end.row = range.end.row > shift ? range.end.row - shift : 1;
  };
  move_range(d.range);
  d.noqa_row = d.noqa_row > shift ? d.noqa_row - shift : 1;
  d.start_byte = d.start_byte >= cell.first_byte ? d.start_byte - cell.first_byte : 0;
  d.end_byte = d.end_byte >= cell.first_byte ? d.end_byte - cell.first_byte : 0;
  if (d.fix) {
    for (auto& edit : d.fix->edits) {
      move_range(edit.range);
      edit.start = edit.start >= cell.first_byte ? edit.start - cell.first_byte : 0;
      edit.end = edit.end >= cell.first_byte ? edit.end - cell.first_byte : 0;
    }
  }
  d.cell = cell.number;
  return d;
}

std::optional<Json> parse_json(std::string_view content, std::string& error) {
  Json notebook = Json::parse(content, nullptr, false);
  if (notebook.is_discarded() || !notebook.is_object()) {
    error = "not a valid notebook: the file is not a JSON object";
    return std::nullopt;
  }
  if (notebook_cells(notebook) == nullptr) {
    error = "not a valid notebook: no `cells` list";
    return std::nullopt;
  }
  return notebook;
}

Notebook build_notebook(const Json& json, std::vector<CellDirectives>* directives) {
  Notebook notebook;
  notebook.python = is_python_notebook(json);
  std::uint32_t number = 0;
  std::uint32_t row = 1;
  for (const Json& cell : *notebook_cells(json)) {
    ++number;
    if (!cell.is_object() || cell.value("cell_type", std::string()) != "code") continue;
    std::string original = cell_source(cell);
    CellDirectives cell_directives;
    std::string code = prepare_cell(original, directives != nullptr ? &cell_directives : nullptr);
    if (code.empty()) continue;
    if (!code.ends_with('\n')) code += '\n';  // the next cell starts on a line of its own
    const auto rows = static_cast<std::uint32_t>(std::count(code.begin(), code.end(), '\n'));
    notebook.cells.push_back(
        NotebookCell{number, row, rows, static_cast<std::uint32_t>(notebook.source.size()), std::move(original)});
    if (directives != nullptr) directives->push_back(std::move(cell_directives));
    notebook.source += code;
    row += rows;
  }
  return notebook;
}

}  // namespace

bool is_notebook_path(const std::filesystem::path& path) { return path.extension() == ".ipynb"; }

std::string strip_ipython(std::string_view cell_source) { return prepare_cell(cell_source, nullptr); }

std::optional<Notebook> parse_notebook(std::string_view json, std::string& error) {
  auto parsed = parse_json(json, error);
  if (!parsed) return std::nullopt;
  return build_notebook(*parsed, nullptr);
}

std::vector<Diagnostic> lint_notebook(const std::string& display_path, std::string_view content,
                                      const Settings& settings, const RuleSet& rules) {
  std::string error;
  auto json = parse_json(content, error);
  if (!json) {
    if (!rules.enabled("TL001")) return {};
    return {meta_diagnostic("TL001", display_path, error + "; file skipped")};
  }
  std::vector<CellDirectives> directives;
  const Notebook notebook = build_notebook(*json, &directives);
  if (!notebook.python || notebook.cells.empty()) return {};

  SourceFile file(display_path, notebook.source, Language::Python);
  std::vector<Diagnostic> joined = lint_source(file, settings, rules);
  std::vector<Diagnostic> mapped;
  mapped.reserve(joined.size());
  for (auto& d : joined) {
    // The cell holding the diagnostic's row: the last one starting at or before it.
    auto it = std::upper_bound(notebook.cells.begin(), notebook.cells.end(), d.range.start.row,
                               [](std::uint32_t row, const NotebookCell& cell) { return row < cell.first_row; });
    if (it == notebook.cells.begin()) {
      mapped.push_back(std::move(d));  // before any cell: cannot happen, keep it unmapped
      continue;
    }
    --it;
    Diagnostic in_cell = to_cell_coordinates(std::move(d), *it);
    const CellDirectives& cell_directives = directives[static_cast<std::size_t>(it - notebook.cells.begin())];
    if (cell_directives.any && cell_directives.suppressions.suppresses(in_cell)) continue;
    mapped.push_back(std::move(in_cell));
  }
  std::stable_sort(mapped.begin(), mapped.end(), diagnostic_less);
  return mapped;
}

std::vector<std::string> notebook_cell_sources(std::string_view content) {
  std::string error;
  auto json = parse_json(content, error);
  std::vector<std::string> sources;
  if (!json) return sources;
  for (const Json& cell : *notebook_cells(*json)) sources.push_back(cell.is_object() ? cell_source(cell) : std::string());
  return sources;
}

namespace {

// A JSON reader that knows, for each string, where it is in the file: just enough to find
// the strings of the cells' sources. It stops (leaving what it found so far unused) on
// anything malformed; the notebook was already parsed properly when it was linted.
class NotebookSourceScanner {
 public:
  struct Found {
    std::size_t cell = 0;  // index in the cells array
    std::uint32_t row = 0;
    std::vector<std::uint32_t> columns;
    std::vector<bool> newline;
  };

  explicit NotebookSourceScanner(std::string_view text) : text_(text) {}

  bool scan() {
    skip_space();
    return value(Role::Root, 0) && (skip_space(), pos_ == text_.size());
  }
  std::vector<Found>& found() { return found_; }

 private:
  enum class Role { Other, Root, Worksheets, Worksheet, Cells, Cell, Source, SourceLine };

  static constexpr int kMaxDepth = 256;

  void advance() {
    const auto byte = static_cast<unsigned char>(text_[pos_++]);
    if (byte == '\n') {
      ++row_;
      column_ = 1;
    } else if (pos_ >= text_.size() || (static_cast<unsigned char>(text_[pos_]) & 0xC0U) != 0x80U) {
      ++column_;  // the last byte of a code point
    }
  }

  void skip_space() {
    while (pos_ < text_.size() && std::string_view(" \t\r\n").find(text_[pos_]) != std::string_view::npos) advance();
  }

  bool expect(char c) {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    advance();
    return true;
  }

  bool value(Role role, int depth) {
    if (depth > kMaxDepth) return false;
    skip_space();
    if (pos_ >= text_.size()) return false;
    const char c = text_[pos_];
    if (c == '{') return object(role, depth);
    if (c == '[') return array(role, depth);
    if (c == '"') {
      std::string ignored;
      return string(role == Role::Source || role == Role::SourceLine, ignored);
    }
    while (pos_ < text_.size() && std::string_view(",]} \t\r\n").find(text_[pos_]) == std::string_view::npos) advance();
    return true;
  }

  static Role member_role(Role parent, std::string_view key) {
    if (parent == Role::Root || parent == Role::Worksheet) {
      if (key == "cells") return Role::Cells;
      if (parent == Role::Root && key == "worksheets") return Role::Worksheets;
    }
    if (parent == Role::Cell && (key == "source" || key == "input")) return Role::Source;
    return Role::Other;
  }

  bool object(Role role, int depth) {
    advance();  // {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      advance();
      return true;
    }
    while (true) {
      skip_space();
      std::string key;
      if (pos_ >= text_.size() || text_[pos_] != '"' || !string(false, key) || !expect(':')) return false;
      if (!value(member_role(role, key), depth + 1)) return false;
      skip_space();
      if (pos_ >= text_.size()) return false;
      if (text_[pos_] == '}') {
        advance();
        return true;
      }
      if (text_[pos_] != ',') return false;
      advance();
    }
  }

  bool array(Role role, int depth) {
    advance();  // [
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      advance();
      return true;
    }
    for (std::size_t index = 0;; ++index) {
      Role element = Role::Other;
      if (role == Role::Cells) {
        element = Role::Cell;
        cell_ = index;
      } else if (role == Role::Worksheets && index == 0) {
        element = Role::Worksheet;
      } else if (role == Role::Source) {
        element = Role::SourceLine;
      }
      if (!value(element, depth + 1)) return false;
      skip_space();
      if (pos_ >= text_.size()) return false;
      if (text_[pos_] == ']') {
        advance();
        return true;
      }
      if (text_[pos_] != ',') return false;
      advance();
    }
  }

  static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  bool hex4(std::uint32_t& out) {
    if (pos_ + 4 > text_.size()) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const int digit = hex_value(text_[pos_]);
      if (digit < 0) return false;
      out = out * 16 + static_cast<std::uint32_t>(digit);
      advance();
    }
    return true;
  }

  // Reads a string; with `record`, keeps each decoded code point's file column. Keys are
  // decoded into `text` (they are plain ASCII in notebooks; escapes are kept as written).
  bool string(bool record, std::string& text) {
    advance();  // "
    Found piece{cell_, row_, {}, {}};
    while (pos_ < text_.size() && text_[pos_] != '"') {
      const std::uint32_t column = column_;
      bool is_newline = false;
      if (text_[pos_] == '\\') {
        advance();
        if (pos_ >= text_.size()) return false;
        const char escape = text_[pos_];
        advance();
        if (escape == 'u') {
          std::uint32_t unit = 0;
          if (!hex4(unit)) return false;
          // A surrogate pair is one code point written as two escapes.
          if (unit >= 0xD800 && unit < 0xDC00 && pos_ + 1 < text_.size() && text_[pos_] == '\\' && text_[pos_ + 1] == 'u') {
            advance();
            advance();
            if (!hex4(unit)) return false;
          }
          is_newline = unit == '\n';
        } else {
          is_newline = escape == 'n';
          text += escape;
        }
      } else {
        text += text_[pos_];
        advance();
        while (pos_ < text_.size() && (static_cast<unsigned char>(text_[pos_]) & 0xC0U) == 0x80U) {
          text += text_[pos_];
          advance();
        }
      }
      if (record) {
        piece.columns.push_back(column);
        piece.newline.push_back(is_newline);
      }
    }
    if (pos_ >= text_.size()) return false;
    if (record) {
      piece.columns.push_back(column_);  // one past the end: the closing quote
      found_.push_back(std::move(piece));
    }
    advance();  // "
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::uint32_t row_ = 1;
  std::uint32_t column_ = 1;
  std::size_t cell_ = 0;
  std::vector<Found> found_;
};

}  // namespace

NotebookFileMap::NotebookFileMap(std::string_view content) {
  NotebookSourceScanner scanner(content);
  if (!scanner.scan()) return;
  for (auto& found : scanner.found()) {
    if (cells_.size() <= found.cell) cells_.resize(found.cell + 1);
    cells_[found.cell].push_back(Piece{found.row, std::move(found.columns), std::move(found.newline)});
  }
}

std::optional<Position> NotebookFileMap::to_file(std::uint32_t cell, Position in_cell) const {
  if (cell == 0 || cell > cells_.size()) return std::nullopt;
  const std::vector<Piece>& pieces = cells_[cell - 1];
  std::uint32_t row = 1;
  std::uint32_t column = 1;
  for (const Piece& piece : pieces) {
    for (std::size_t i = 0; i < piece.newline.size(); ++i) {
      // A column past the end of its line lands on the line's end.
      if (row == in_cell.row && (column == in_cell.column || piece.newline[i])) return Position{piece.row, piece.columns[i]};
      if (piece.newline[i]) {
        ++row;
        column = 1;
      } else {
        ++column;
      }
    }
  }
  if (row == in_cell.row && !pieces.empty()) return Position{pieces.back().row, pieces.back().columns.back()};
  return std::nullopt;
}

}  // namespace torchlint
