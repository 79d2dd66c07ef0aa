// The bad-input suite (issue 8), end to end through the built binary. Each case puts one
// bad input next to a good file with a known finding and expects exactly: the exit status,
// the diagnostics or the error message, the good file still checked, and every input
// unchanged on disk (hashed before and after; torchlint's own cache aside).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/process_support.h"

namespace torchlint {
namespace {

namespace fs = std::filesystem;
using testing::essential_lines;
using testing::ProcessOptions;
using testing::ProcessResult;
using testing::run_torchlint;
using testing::snapshot_tree;
using testing::split_lines;
using testing::TempDir;

constexpr const char* kGood = "import torch\nx = torch.zeros(3, dtype=torch.float32)\nx.add_(1)\n";
constexpr const char* kGoodFinding = "good.py:3:3: TL501 [error]";

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override { dir_.write("good.py", kGood); }

  // `torchlint check ARGS` in the temp dir (TL001, TL002 and TL501 only, concise output);
  // fails the test when any input changed on disk.
  ProcessResult check(std::vector<std::string> args, ProcessOptions options = {},
                      const std::string& select = "TL001,TL002,TL501") {
    const std::string before = snapshot_tree(dir_.path());
    std::vector<std::string> full = {"check", "--isolated", "--select", select, "--output-format", "concise"};
    full.insert(full.end(), args.begin(), args.end());
    options.cwd = dir_.path();
    ProcessResult result = run_torchlint(full, options);
    EXPECT_EQ(snapshot_tree(dir_.path()), before) << "an input changed on disk";
    return result;
  }

  const fs::path& path() const { return dir_.path(); }
  fs::path write(const std::string& name, const std::string& text) const { return dir_.write(name, text); }

 private:
  TempDir dir_;
};

TEST_F(BadInput, EmptyFileHasNoFindings) {
  write("empty.py", "");
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{kGoodFinding, "Found 1 problem in 1 file (2 files checked)."}));
  EXPECT_EQ(run.err, "");
}

TEST_F(BadInput, OnlyABomHasNoFindings) {
  write("bom.py", "\xEF\xBB\xBF");
  write("bom_code.py", "\xEF\xBB\xBFimport torch\nx = torch.zeros(3, dtype=torch.float32)\nx.mul_(2)\n");
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  // The BOM is not a column: the finding after it is where an editor shows it.
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{"bom_code.py:3:3: TL501 [error]", kGoodFinding,
                                      "Found 2 problems in 2 files (3 files checked)."}));
}

TEST_F(BadInput, InvalidUtf8IsTl001) {
  write("latin1.py", "x = \"caf\xE9\"\n");
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{kGoodFinding, "latin1.py:1:1: TL001 [error] not valid UTF-8; file skipped",
                                      "Found 2 problems in 2 files (2 files checked)."}));
}

TEST_F(BadInput, NulBytesAreTl001) {
  write("binary.py", std::string("x = 1\n\0\x01\x02", 9));
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{
                "binary.py:1:1: TL001 [error] not a text file: NUL byte at offset 6; file skipped", kGoodFinding,
                "Found 2 problems in 2 files (2 files checked)."}));
}

// Generated code: 50 MB of module-level assignments of base64-like strings, one finding at
// the very end (row numbers and byte offsets far past any small-file assumption).
TEST_F(BadInput, FiftyMegabyteGeneratedFile) {
  std::string text = "import torch\n";
  const std::string payload(76, 'Q');
  std::size_t rows = 1;
  for (std::size_t i = 0; text.size() < 50U * 1024 * 1024; ++i, ++rows) {
    text += "_blob_" + std::to_string(i) + " = \"" + payload + "\"\n";
  }
  text += "x = torch.zeros(3, dtype=torch.float32)\nx.add_(1)\n";
  rows += 2;
  write("generated.py", text);
  text.clear();
  text.shrink_to_fit();
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{"generated.py:" + std::to_string(rows) + ":3: TL501 [error]", kGoodFinding,
                                      "Found 2 problems in 2 files (2 files checked)."}));
  EXPECT_EQ(run.err, "");
}

// 10,000 levels of nesting: the parser, the model, the walk and every rule must cope
// without recursion deep enough to overflow a thread's stack.
TEST_F(BadInput, TenThousandDeepParenthesesAndBrackets) {
  const std::size_t depth = 10000;
  write("parens.py", "y = " + std::string(depth, '(') + "x.add_(1)" + std::string(depth, ')') + "\n");
  write("brackets.py", "y = " + std::string(depth, '[') + "x.add_(1)" + std::string(depth, ']') + "\n");
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const std::string column = std::to_string(5 + depth + 2);
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{"brackets.py:1:" + column + ": TL501 [error]", kGoodFinding,
                                      "parens.py:1:" + column + ": TL501 [error]",
                                      "Found 3 problems in 3 files (3 files checked)."}));
}

// CPython itself refuses this file (at most 100 levels of indentation), so a syntax error
// is the honest answer; what matters is an answer, at once, with the other file checked.
TEST_F(BadInput, TenThousandDeepIfBlocks) {
  const std::size_t depth = 10000;
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += std::string(i, ' ') + "if x:\n";
  text += std::string(depth, ' ') + "x.add_(1)\n";
  write("ifs.py", text);
  std::string cpp = "void f(torch::Tensor x) {\n";
  for (std::size_t i = 0; i < depth; ++i) cpp += "if (x.defined()) {";
  cpp += "x.add_(1);";
  cpp += std::string(depth, '}') + "\n}\n";
  write("ifs.cpp", cpp);
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{kGoodFinding, "ifs.cpp:2:" + std::to_string(depth * 18 + 3) + ": TL501 [error]",
                                      "ifs.py:1:1: TL002 [error] syntax error: unexpected input",
                                      "Found 3 problems in 3 files (3 files checked)."}));
}

// Every rule on 100,000-deep shapes (beyond the 10,000 asked for, so that a recursive
// helper overflows even in an optimised build): no crash, no error, the good file checked.
TEST_F(BadInput, HundredThousandDeepShapesUnderEveryRule) {
  const std::size_t n = 100000;
  auto repeat = [](const std::string& text, std::size_t count) {
    std::string result;
    result.reserve(text.size() * count);
    for (std::size_t i = 0; i < count; ++i) result += text;
    return result;
  };
  write("tuple_target.py", repeat("(", n) + "a" + repeat(")", n) + " = torch.zeros(1)\n");
  write("list_target.py", repeat("[", n) + "a" + repeat("]", n) + " = torch.zeros(1)\n");
  write("nested_targets.py", repeat("(a, ", n) + "b" + repeat(")", n) + " = torch.zeros(1)\n");
  write("subscript_target.py", "x = torch.zeros(1)\n" + repeat("(", n) + "x[0]" + repeat(")", n) + " = 1\n");
  write("requires_grad.py", repeat("(", n) + "p.requires_grad" + repeat(")", n) + " = False\n");
  write("union.py", "def f(x: " + repeat("int | ", n) + "None) -> None:\n    pass\n");
  write("optional.py", "def f(x: " + repeat("Optional[", n) + "torch.Tensor" + repeat("]", n) + ") -> None:\n    pass\n");
  write("binop.py", "x = y" + repeat(" + y", n) + "\n");
  write("chained.py", repeat("x = ", n) + "torch.zeros(1)\n");
  write("calls.py", "x = " + repeat("f(", n) + "y" + repeat(")", n) + "\n");
  write("lambdas.py", "x = " + repeat("lambda: ", n) + "1\n");
  write("braces.cpp", "void f() {" + repeat("{", n) + "g();" + repeat("}", n) + "}\n");
  write("parens.cpp", "int x = " + repeat("(", n) + "1" + repeat(")", n) + ";\n");
  const ProcessResult run = check({"."}, {}, "ALL");
  EXPECT_TRUE(run.exit_code == 0 || run.exit_code == 1) << "exit " << run.exit_code << "\n" << run.err;
  EXPECT_EQ(run.err, "");
  EXPECT_NE(run.out.find("good.py:3:3: TL501 [error]"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("(14 files checked)"), std::string::npos) << run.out;
}

TEST_F(BadInput, HundredThousandCharacterLine) {
  std::string line = "y = [";
  while (line.size() < 100000) line += "0, ";
  line += "0]; x.add_(1)";
  write("long.py", line + "\n");
  const std::string column = std::to_string(line.size() - 6);  // of `add_`
  const ProcessResult run = check({"long.py"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out), (std::vector<std::string>{"long.py:1:" + column + ": TL501 [error]",
                                                                "Found 1 problem in 1 file (1 files checked)."}));
  // The full format shows a window of the line around the finding, not 100 KB per finding.
  const std::string before = snapshot_tree(path());
  const ProcessResult full = run_torchlint({"check", "--isolated", "--select", "TL501", "long.py"}, {.cwd = path()});
  EXPECT_EQ(full.exit_code, 1) << full.err;
  const auto lines = split_lines(full.out);
  ASSERT_GE(lines.size(), 3U) << full.out;
  EXPECT_EQ(lines[1], "  1 | ..." + line.substr(line.size() - 7 - 40));
  EXPECT_EQ(lines[2], "    | " + std::string(3 + 40, ' ') + std::string(4, '^'));
  EXPECT_EQ(snapshot_tree(path()), before);
}

TEST_F(BadInput, WindowsLineEndings) {
  write("crlf.py", "import torch\r\nx = torch.zeros(3, dtype=torch.float32)\r\n\r\nx.add_(1)\r\n");
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{"crlf.py:4:3: TL501 [error]", kGoodFinding,
                                      "Found 2 problems in 2 files (2 files checked)."}));
}

TEST_F(BadInput, TabsCountAsOneColumn) {
  write("tabs.py", "import torch\ndef f(x: torch.Tensor) -> None:\n\tif x.any():\n\t\tx.add_(1)\n");
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{kGoodFinding, "tabs.py:4:5: TL501 [error]",
                                      "Found 2 problems in 2 files (2 files checked)."}));
}

TEST_F(BadInput, SyntaxErrorMidFileStillChecksTheRest) {
  write("broken.py",
        "import torch\nx = torch.zeros(3, dtype=torch.float32)\ndef broken(:\n    pass\nx.mul_(2)\n");
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{"broken.py:3:12: TL002 [error] syntax error: expected `)`",
                                      "broken.py:5:3: TL501 [error]", kGoodFinding,
                                      "Found 3 problems in 2 files (2 files checked)."}));
}

// The catalog: a directory named like a source file is TL001, found or named.
TEST_F(BadInput, DirectoryNamedLikeASourceFile) {
  write("package.py/inner.py", "y.add_(1)\n");
  const std::string message = ": TL001 [error] cannot read file: is a directory, not a source file";
  const ProcessResult found = check({"."});
  EXPECT_EQ(found.exit_code, 1) << found.err;
  EXPECT_EQ(essential_lines(found.out),
            (std::vector<std::string>{kGoodFinding, "package.py:1:1" + message,
                                      "Found 2 problems in 2 files (2 files checked)."}));
  const ProcessResult named = check({"package.py", "good.py"});
  EXPECT_EQ(named.exit_code, 1) << named.err;
  EXPECT_EQ(essential_lines(named.out),
            (std::vector<std::string>{kGoodFinding, "package.py:1:1" + message,
                                      "Found 2 problems in 2 files (2 files checked)."}));
}

// CI runs as root, which reads anything: drop to `nobody` (never skipped).
TEST_F(BadInput, UnreadableFileIsTl001) {
  const fs::path secret = write("secret.py", "x.add_(1)\n");
  fs::permissions(secret, fs::perms::none);
  fs::create_directories(path() / "locked");
  write("locked/hidden.py", "x.add_(1)\n");
  fs::permissions(path() / "locked", fs::perms::none);
  ProcessOptions options;
  if (geteuid() == 0) options.prefix = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  const ProcessResult run = check({"."}, options);
  fs::permissions(path() / "locked", fs::perms::owner_all);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{kGoodFinding,
                                      "locked:1:1: TL001 [error] cannot read directory: Permission denied",
                                      "secret.py:1:1: TL001 [error] cannot read file: Permission denied",
                                      "Found 3 problems in 3 files (2 files checked)."}));
}

TEST_F(BadInput, DanglingSymlinkAndSymlinkLoops) {
  fs::create_symlink("missing.py", path() / "dangling.py");
  fs::create_symlink("loop_b.py", path() / "loop_a.py");
  fs::create_symlink("loop_a.py", path() / "loop_b.py");
  fs::create_directories(path() / "sub");
  fs::create_directory_symlink("..", path() / "sub" / "up");  // a directory loop
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{
                "dangling.py:1:1: TL001 [error] cannot read file: No such file or directory", kGoodFinding,
                "loop_a.py:1:1: TL001 [error] cannot read file: Too many levels of symbolic links",
                "loop_b.py:1:1: TL001 [error] cannot read file: Too many levels of symbolic links",
                "Found 4 problems in 4 files (4 files checked)."}));
}

// A path that does not exist is a usage error (exit 2), named on stderr; the paths that
// do exist are still checked and reported.
TEST_F(BadInput, MissingPathIsExit2AndTheOthersAreChecked) {
  const ProcessResult run = check({"nothere.py", "good.py"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "torchlint: error: nothere.py: No such file or directory\n");
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{kGoodFinding, "Found 1 problem in 1 file (1 files checked)."}));
}

class BadConfig : public BadInput {
 protected:
  // Like check() but with configuration discovery on.
  ProcessResult check_with_config() {
    const std::string before = snapshot_tree(path());
    ProcessResult result =
        run_torchlint({"check", "--select", "TL501", "--output-format", "concise", "."}, {.cwd = path()});
    EXPECT_EQ(snapshot_tree(path()), before);
    return result;
  }
  std::string config_path(const std::string& name) const { return (path() / name).string(); }
};

TEST_F(BadConfig, InvalidTomlInPyprojectIsExit2) {
  write("pyproject.toml", "[tool.torchlint]\nselect = [\"TL501\"\nignore = []\n");
  const ProcessResult run = check_with_config();
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_TRUE(run.err.starts_with("torchlint: configuration error: " + config_path("pyproject.toml") + ":3: "))
      << run.err;
  EXPECT_NE(run.err.find("invalid TOML"), std::string::npos) << run.err;
}

TEST_F(BadConfig, WrongTypeInPyprojectNamesFileLineAndKey) {
  write("pyproject.toml", "[project]\nname = \"x\"\n\n[tool.torchlint]\nselect = \"TL501\"\n");
  const ProcessResult run = check_with_config();
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "torchlint: configuration error: " + config_path("pyproject.toml") +
                         ":5: `tool.torchlint.select`: expected an array of strings\n");
}

TEST_F(BadConfig, UnknownCodeIsExit2) {
  write("torchlint.toml", "# project settings\nselect = [\"TL5\", \"TL999\"]\n");
  const ProcessResult run = check_with_config();
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "torchlint: configuration error: " + config_path("torchlint.toml") +
                         ":2: `select`: unknown rule code `TL999`\n");
}

TEST_F(BadInput, StdinClosedBeforeTheRun) {
  ProcessOptions options;
  options.close_stdin = true;
  const ProcessResult run = check({"-", "--stdin-filename", "piped.py", "good.py"}, options);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{kGoodFinding,
                                      "piped.py:1:1: TL001 [error] cannot read standard input: Bad file descriptor",
                                      "Found 2 problems in 2 files (2 files checked)."}));
}

// The writer stopped mid-statement: what arrived is checked as it is.
TEST_F(BadInput, StdinCutShortMidStatement) {
  ProcessOptions options;
  options.stdin_text = "import torch\nx = torch.zeros(3, dtype=torch.float32)\nx.add_(1)\ny = torch.ones(2, dty";
  const ProcessResult run = check({"-", "--stdin-filename", "piped.py"}, options);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (std::vector<std::string>{"piped.py:3:3: TL501 [error]",
                                      "piped.py:4:1: TL002 [error] syntax error: unexpected input",
                                      "Found 2 problems in 1 file (1 files checked)."}));
}

// --file-timeout: a file that runs past it is TL001 and the run goes on to the next one.
// A microsecond is less than any file takes, so every file here runs past it.
TEST_F(BadInput, FileTimeoutReportsTl001AndMovesOn) {
  write("other.py", "import torch\ny = torch.ones(2)\ny.mul_(3)\n");
  const std::string message = ": TL001 [error] checking took longer than --file-timeout (1e-06 s); file skipped";
  const ProcessResult slow = check({".", "--file-timeout", "0.000001"});
  EXPECT_EQ(slow.exit_code, 1) << slow.err;
  EXPECT_EQ(essential_lines(slow.out),
            (std::vector<std::string>{"good.py:1:1" + message, "other.py:1:1" + message,
                                      "Found 2 problems in 2 files (2 files checked)."}));
  const ProcessResult generous = check({".", "--file-timeout", "600"});
  EXPECT_EQ(generous.exit_code, 1) << generous.err;
  EXPECT_EQ(essential_lines(generous.out),
            (std::vector<std::string>{kGoodFinding, "other.py:3:3: TL501 [error]",
                                      "Found 2 problems in 2 files (2 files checked)."}));
  const ProcessResult invalid = check({".", "--file-timeout", "0"});
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_NE(invalid.err.find("--file-timeout"), std::string::npos) << invalid.err;
}

}  // namespace
}  // namespace torchlint
