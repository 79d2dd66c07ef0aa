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

}  // namespace torchlint
