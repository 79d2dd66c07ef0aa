// Jupyter notebooks: IPython syntax blanked, cells joined, positions mapped back to cells,
// suppressions per cell, discovery and every output's `cell`.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "linter/run/file_walker.h"
#include "linter/run/notebook.h"
#include "process_support.h"

namespace torchlint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::run_torchlint;
using testing::TempDir;

TEST(StripIpython, BlanksMagicsShellEscapesAndHelpKeepingLineCount) {
  const std::string cell =
      "%matplotlib inline\n"
      "import torch\n"
      "!pip install einops\n"
      "files = !ls -la\n"
      "a, b = %time f()\n"
      "torch.zeros?\n"
      "x = 1  # 100% sure\n"
      "y = x != 2\n";
  EXPECT_EQ(strip_ipython(cell), "\nimport torch\n\n\n\n\nx = 1  # 100% sure\ny = x != 2\n");
}

TEST(StripIpython, KeepsIpythonLookalikesInsideStrings) {
  const std::string cell = "s = \"\"\"\n%not a magic\n!nor a shell\n\"\"\"\nt = '%d' % 3\n";
  EXPECT_EQ(strip_ipython(cell), cell);
}

TEST(StripIpython, ABlockWhoseOnlyStatementIsAMagicKeepsABody) {
  EXPECT_EQ(strip_ipython("if ready:\n    !echo go\n"), "if ready:\n    pass\n");
  EXPECT_EQ(strip_ipython("for i in r:\n    x = i\n    %time f(i)\n"), "for i in r:\n    x = i\n\n");
}

TEST(StripIpython, CellMagics) {
  // Python bodies stay; other languages go entirely.
  EXPECT_EQ(strip_ipython("%%time\nx.add_(1)\n"), "\nx.add_(1)\n");
  EXPECT_EQ(strip_ipython("%%bash\necho $HOME\nx.add_(1)\n"), "\n\n\n");
  EXPECT_EQ(strip_ipython("%%writefile a.py\nimport os\n"), "\n\n");
}

TEST(StripIpython, ContinuedMagicLines) {
  EXPECT_EQ(strip_ipython("!pip install \\\n    torch\nx = 1\n"), "\n\nx = 1\n");
}

TEST(ParseNotebook, JoinsCodeCellsAndRecordsWhereEachStarts) {
  const std::string text = R"({"cells": [
    {"cell_type": "code", "source": ["import torch\n", "x = 1"]},
    {"cell_type": "markdown", "source": ["# title"]},
    {"cell_type": "code", "source": "y = 2\n"},
    {"cell_type": "code", "source": []}
  ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})";
  std::string error;
  const auto notebook = parse_notebook(text, error);
  ASSERT_TRUE(notebook) << error;
  EXPECT_EQ(notebook->source, "import torch\nx = 1\ny = 2\n");
  ASSERT_EQ(notebook->cells.size(), 2U);
  EXPECT_EQ(notebook->cells[0].number, 1U);
  EXPECT_EQ(notebook->cells[0].first_row, 1U);
  EXPECT_EQ(notebook->cells[1].number, 3U);  // the markdown cell counts
  EXPECT_EQ(notebook->cells[1].first_row, 3U);
}

TEST(ParseNotebook, RejectsWhatIsNotANotebook) {
  std::string error;
  EXPECT_FALSE(parse_notebook("{not json", error));
  EXPECT_FALSE(parse_notebook(R"({"metadata": {}})", error));
  EXPECT_NE(error.find("not a valid notebook"), std::string::npos);
}

TEST(NotebookDiscovery, IpynbFilesAreLintable) {
  EXPECT_TRUE(is_lintable_path("analysis/train.ipynb"));
  EXPECT_FALSE(is_lintable_path("analysis/train.json"));
}

// The fixture: fixtures/notebooks/training.ipynb. What each cell holds and expects:
//  1 magics, `!pip`, `files = !ls`, imports     -> nothing
//  2 markdown with code-like text                -> nothing
//  3 torch.zeros(3); x.add_(1); torch.zeros?     -> TL201 1:11, TL501 2:3
//  4 %%bash cell with x.add_(1)                  -> nothing
//  5 %%time cell with x.mul_(2)                  -> TL501 2:7
//  6 `# torchlint: noqa: TL501` cell             -> TL201 3:11 only (its TL501 suppressed)
//  7 `!echo` in a block, `# noqa: TL501` line    -> TL501 4:7 only
//  8 `%` inside a triple-quoted string           -> nothing
TEST(NotebookLinting, FixtureDiagnosticsCarryCellAndRowWithinIt) {
  const auto run = run_torchlint({"check", "fixtures/notebooks/training.ipynb", "--output-format", "json"},
                                 {.cwd = TORCHLINT_SOURCE_DIR});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  const json diagnostics = json::parse(run.out);
  std::vector<std::string> found;
  for (const auto& d : diagnostics) {
    found.push_back(std::to_string(d["cell"].get<int>()) + ":" + d["code"].get<std::string>() + ":" +
                    std::to_string(d["location"]["row"].get<int>()) + ":" +
                    std::to_string(d["location"]["column"].get<int>()));
  }
  const std::vector<std::string> expected = {"3:TL201:1:11", "3:TL501:2:3", "5:TL501:2:7", "6:TL201:3:11",
                                             "7:TL501:4:7"};
  EXPECT_EQ(found, expected) << run.out;
  EXPECT_EQ(diagnostics[0]["noqa_row"], 1);
  EXPECT_TRUE(diagnostics[0]["filename"].get<std::string>().ends_with("fixtures/notebooks/training.ipynb"));
}

TEST(NotebookLinting, FullOutputShowsTheCellsLine) {
  const auto run = run_torchlint({"check", "fixtures/notebooks/training.ipynb", "--select", "TL501"},
                                 {.cwd = TORCHLINT_SOURCE_DIR});
  EXPECT_NE(run.out.find("(cell 5)\n  2 | y = x.mul_(2)\n"), std::string::npos) << run.out;
}

TEST(NotebookLinting, ImportsOfEarlierCellsResolve) {
  TempDir dir;
  // `T` is bound only by cell 1's import; cell 2's call resolves through it.
  dir.write("nb.ipynb", R"({"cells": [
    {"cell_type": "code", "source": ["import torch as T\n"]},
    {"cell_type": "code", "source": ["a = T.ones(2)\n"]}
  ], "metadata": {"language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5})");
  const auto run = run_torchlint({"check", ".", "--select", "TL201", "--output-format", "concise"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("nb.ipynb:1:7: TL201"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("(cell 2)"), std::string::npos) << run.out;
}

TEST(NotebookLinting, OtherKernelsAreSkippedAndBrokenNotebooksAreIoErrors) {
  TempDir dir;
  dir.write("r.ipynb", testing::read_text(fs::path(TORCHLINT_SOURCE_DIR) / "fixtures/notebooks/r_kernel.ipynb"));
  auto run = run_torchlint({"check", "."}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 0) << run.out;

  dir.write("broken.ipynb", "{\"cells\": [");
  run = run_torchlint({"check", ".", "--output-format", "concise"}, {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.out.find("broken.ipynb:1:1: TL001"), std::string::npos) << run.out;
}

TEST(NotebookLinting, StdinWithANotebookName) {
  const std::string text =
      testing::read_text(fs::path(TORCHLINT_SOURCE_DIR) / "fixtures/notebooks/training.ipynb");
  const auto run = run_torchlint({"check", "-", "--stdin-filename", "piped.ipynb", "--isolated", "--output-format",
                                  "json-lines"},
                                 {.stdin_text = text});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const auto lines = testing::split_lines(run.out);
  ASSERT_EQ(lines.size(), 5U) << run.out;
  EXPECT_EQ(json::parse(lines[0])["cell"], 3);
}

TEST(NotebookFileMap, MapsCellPositionsIntoTheJsonText) {
  // Line 5 holds cell 2's second line; its content starts at column 5 (after `   "`).
  const std::string text =
      "{\"cells\": [\n"
      " {\"cell_type\": \"markdown\", \"source\": [\"# t\\n\"]},\n"
      " {\"cell_type\": \"code\", \"source\": [\n"
      "   \"x = \\\"\xC3\xA9\\\" + \\u00e9\\n\",\n"
      "   \"y.add_(1)\"\n"
      " ]}\n"
      "]}\n";
  const NotebookFileMap map(text);
  EXPECT_EQ(map.to_file(2, {2, 3}), (Position{5, 7}));
  EXPECT_EQ(map.to_file(2, {1, 1}), (Position{4, 5}));
  // `\"` takes two columns in the file, `é` one, `\u00e9` six.
  EXPECT_EQ(map.to_file(2, {1, 6}), (Position{4, 11}));
  EXPECT_EQ(map.to_file(2, {1, 11}), (Position{4, 17}));
  EXPECT_EQ(map.to_file(2, {1, 12}), (Position{4, 23}));
  // Past the end of a line: the line's end; the end of the last line: the closing quote.
  EXPECT_EQ(map.to_file(2, {1, 40}), (Position{4, 23}));
  EXPECT_EQ(map.to_file(2, {2, 10}), (Position{5, 14}));
  EXPECT_EQ(map.to_file(1, {1, 1}), (Position{2, 40}));
  EXPECT_FALSE(map.to_file(2, {3, 1}));
  EXPECT_FALSE(map.to_file(3, {1, 1}));
}

// Code scanning, GitLab and GitHub annotations point into the .ipynb file as stored.
TEST(NotebookLinting, FileFormatsPointAtTheSourceInsideTheJson) {
  const fs::path notebook = fs::path(TORCHLINT_SOURCE_DIR) / "fixtures/notebooks/training.ipynb";
  const auto file_lines = testing::split_lines(testing::read_text(notebook));
  auto text_at = [&](int row, int column, std::size_t length) {
    return file_lines.at(static_cast<std::size_t>(row - 1)).substr(static_cast<std::size_t>(column - 1), length);
  };
  const auto run = run_torchlint({"check", "fixtures/notebooks/training.ipynb", "--output-format", "sarif"},
                                 {.cwd = TORCHLINT_SOURCE_DIR});
  const json results = json::parse(run.out)["runs"][0]["results"];
  ASSERT_EQ(results.size(), 5U);
  const std::vector<std::string> flagged = {"zeros", "add_", "mul_", "ones", "clamp_"};
  for (std::size_t i = 0; i < results.size(); ++i) {
    const json& region = results[i]["locations"][0]["physicalLocation"]["region"];
    EXPECT_EQ(text_at(region["startLine"], region["startColumn"], flagged[i].size()), flagged[i]) << region;
    EXPECT_EQ(region["endColumn"].get<int>() - region["startColumn"].get<int>(), static_cast<int>(flagged[i].size()));
    EXPECT_TRUE(results[i]["properties"].contains("cell"));
  }
  const auto github = run_torchlint({"check", "fixtures/notebooks/training.ipynb", "--select", "TL201",
                                     "--output-format", "github"},
                                    {.cwd = TORCHLINT_SOURCE_DIR});
  const auto first = testing::split_lines(github.out).at(0);
  const json region = results[0]["locations"][0]["physicalLocation"]["region"];
  EXPECT_NE(first.find(",line=" + std::to_string(region["startLine"].get<int>()) +
                       ",col=" + std::to_string(region["startColumn"].get<int>()) + ","),
            std::string::npos)
      << first;
}

}  // namespace
}  // namespace torchlint
