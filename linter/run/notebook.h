#pragma once
// Jupyter notebooks (.ipynb). The code cells are joined into one Python source (each cell
// starts on a fresh line, so names imported in one cell resolve in the next) with IPython
// syntax blanked: line magics (`%time f()`), shell escapes (`!pip install x`,
// `files = !ls`), help (`torch.zeros?`) and cells whose cell magic runs another language
// (`%%bash`). Diagnostics are linted on the joined source and mapped back to their cell
// (1-based, counting every cell of the notebook as Jupyter front ends number them) and
// to the row within it. A `# torchlint: noqa` comment applies to its own cell only.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linter/config/settings.h"
#include "linter/run/diagnostic.h"
#include "linter/run/rule_set.h"
#include "linter/source/source_file.h"

namespace torchlint {

struct NotebookCell {
  std::uint32_t number = 0;     // 1-based index among all cells of the notebook
  std::uint32_t first_row = 0;  // 1-based row of the cell's first line in the joined source
  std::uint32_t row_count = 0;
  std::uint32_t first_byte = 0;  // offset of the cell in the joined source
  std::string original;          // the cell's source as written (for display)
};

struct Notebook {
  bool python = true;         // false: the kernel runs another language; nothing is linted
  std::string source;         // the joined, IPython-free Python source
  std::vector<NotebookCell> cells;  // code cells with at least one line, in order
};

[[nodiscard]] bool is_notebook_path(const std::filesystem::path& path);

// Parses notebook JSON (nbformat 4, and 3's worksheets); nullopt with `error` set when
// it is not a notebook.
std::optional<Notebook> parse_notebook(std::string_view json, std::string& error);

// Turns one cell's Python-with-IPython into plain Python of the same number of lines,
// every kept line unchanged (so columns stay right).
std::string strip_ipython(std::string_view cell_source);

// Lints notebook JSON `content` whose diagnostics carry `display_path`.
std::vector<Diagnostic> lint_notebook(const std::string& display_path, std::string_view content,
                                      const Settings& settings, const RuleSet& rules);

// The source of every cell of notebook JSON `content` (index 0 = cell 1), for display;
// empty when it is not a notebook.
std::vector<std::string> notebook_cell_sources(std::string_view content);

// Where the cells' text sits in the .ipynb file itself. Formats that point into files as
// stored (SARIF for code scanning, GitLab, GitHub annotations) cannot say "cell 3"; they
// need the file line holding the JSON string of that source line, and the column inside
// it (after the quote, counting each escape sequence's characters).
class NotebookFileMap {
 public:
  // Scans notebook JSON `content`; an empty map when it is not a notebook.
  explicit NotebookFileMap(std::string_view content);
  // The file position of `in_cell` (row and column within cell `cell`), if it can be found.
  [[nodiscard]] std::optional<Position> to_file(std::uint32_t cell, Position in_cell) const;

 private:
  // One JSON string of a cell's source: where its first character is in the file, and the
  // file column of every decoded code point (plus one past the end).
  struct Piece {
    std::uint32_t row = 0;
    std::vector<std::uint32_t> columns;
    std::vector<bool> newline;  // decoded code point i is '\n'
  };
  std::vector<std::vector<Piece>> cells_;  // by cell index (0-based)
};

}  // namespace torchlint
