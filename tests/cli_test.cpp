// The `torchlint check` command end to end (issue 2): the built binary on temporary trees.
// Exit statuses, --fail-on / --exit-zero, stdin, -j determinism, rule selection, config
// discovery and config errors, .gitignore semantics, default excludes, --force-exclude.
#include <gtest/gtest.h>

#include <algorithm>
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
using testing::TempDir;

using Lines = std::vector<std::string>;

// TL201 at 3:11, TL501 at 4:3 (errors), TL503 at 5:21 (warning), TL202 at 7:10 (note).
constexpr const char* kMixed =
    "import torch\n"
    "import torch.nn.functional as F\n"
    "x = torch.zeros(3)\n"
    "x.add_(1)\n"
    "z = torch.add(x, x, out=x)\n"
    "\n"
    "def f(t: torch.Tensor) -> None:\n"
    "    pass\n";

class Cli : public ::testing::Test {
 protected:
  // `torchlint check ARGS` in the temp dir, no cache, concise output unless ARGS pick a format.
  ProcessResult check(std::vector<std::string> args, ProcessOptions options = {}) {
    std::vector<std::string> full = {"check", "--no-cache"};
    if (std::find(args.begin(), args.end(), "--output-format") == args.end()) {
      full.insert(full.end(), {"--output-format", "concise"});
    }
    full.insert(full.end(), args.begin(), args.end());
    options.cwd = dir_.path();
    return run_torchlint(full, options);
  }

  fs::path write(const std::string& name, const std::string& text) const { return dir_.write(name, text); }
  const fs::path& path() const { return dir_.path(); }
  std::string at(const std::string& name) const { return (dir_.path() / name).string(); }

 private:
  TempDir dir_;
};

// ---- exit statuses -------------------------------------------------------------------

TEST_F(Cli, ExitZeroWhenClean) {
  write("clean.py", "import torch\nx = torch.zeros(3, dtype=torch.float32)\ny = x.add(1)\n");
  const ProcessResult run = check({"--isolated", "--select", "TL2,TL5", "."});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, "All checks passed! (1 files checked)\n");
}

TEST_F(Cli, ExitOneOnAFinding) {
  write("mixed.py", kMixed);
  const ProcessResult run = check({"--isolated", "--select", "TL201,TL501,TL503,TL202", "."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (Lines{"mixed.py:3:11: TL201 [error]", "mixed.py:4:3: TL501 [error]", "mixed.py:5:21: TL503 [warning]",
                   "mixed.py:7:10: TL202 [note]", "Found 4 problems in 1 file (1 files checked)."}));
}

TEST_F(Cli, ExitTwoOnUsageErrors) {
  write("mixed.py", kMixed);
  const ProcessResult unknown_option = check({"--bogus", "."});
  EXPECT_EQ(unknown_option.exit_code, 2);
  EXPECT_NE(unknown_option.err.find("--bogus"), std::string::npos) << unknown_option.err;
  const ProcessResult bad_format = check({"--isolated", "--output-format", "xml", "."});
  EXPECT_EQ(bad_format.exit_code, 2);
  EXPECT_EQ(bad_format.err, "torchlint: error: unknown output format `xml`\n");
  const ProcessResult bad_fail_on = check({"--isolated", "--fail-on", "fatal", "."});
  EXPECT_EQ(bad_fail_on.exit_code, 2);
  EXPECT_NE(bad_fail_on.err.find("--fail-on"), std::string::npos) << bad_fail_on.err;
}

TEST_F(Cli, MissingPathIsExitTwoWithAClearMessage) {
  write("mixed.py", kMixed);
  const ProcessResult run = check({"--isolated", "--select", "TL501", "mixed.py", "gone/away.py"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "torchlint: error: gone/away.py: No such file or directory\n");
  EXPECT_EQ(essential_lines(run.out),
            (Lines{"mixed.py:4:3: TL501 [error]", "Found 1 problem in 1 file (1 files checked)."}));
  // --exit-zero does not hide an error of the run itself.
  EXPECT_EQ(check({"--isolated", "--exit-zero", "gone.py"}).exit_code, 2);
}

// ---- --fail-on and --exit-zero --------------------------------------------------------

TEST_F(Cli, FailOnDecidesWhichLevelsFail) {
  write("mixed.py", kMixed);
  auto exit_for = [&](const std::string& select, std::vector<std::string> extra) {
    std::vector<std::string> args = {"--isolated", "--select", select};
    args.insert(args.end(), extra.begin(), extra.end());
    args.emplace_back(".");
    return check(args).exit_code;
  };
  // A warning fails by default, and with --fail-on warning or note, not with error.
  EXPECT_EQ(exit_for("TL503", {}), 1);
  EXPECT_EQ(exit_for("TL503", {"--fail-on", "error"}), 0);
  EXPECT_EQ(exit_for("TL503", {"--fail-on", "warning"}), 1);
  EXPECT_EQ(exit_for("TL503", {"--fail-on", "note"}), 1);
  // A note is shown but fails only with --fail-on note.
  EXPECT_EQ(exit_for("TL202", {}), 0);
  EXPECT_EQ(exit_for("TL202", {"--fail-on", "warning"}), 0);
  EXPECT_EQ(exit_for("TL202", {"--fail-on", "note"}), 1);
  // An error always fails.
  EXPECT_EQ(exit_for("TL501", {"--fail-on", "error"}), 1);
}

TEST_F(Cli, FailOnFromTheConfigAndTheCommandLineWins) {
  write("mixed.py", kMixed);
  write("torchlint.toml", "select = [\"TL503\"]\nfail-on = \"error\"\n");
  EXPECT_EQ(check({"."}).exit_code, 0);
  EXPECT_EQ(check({"--fail-on", "warning", "."}).exit_code, 1);
}

TEST_F(Cli, ExitZeroKeepsTheOutput) {
  write("mixed.py", kMixed);
  const ProcessResult run = check({"--isolated", "--select", "TL501", "--exit-zero", "."});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(essential_lines(run.out),
            (Lines{"mixed.py:4:3: TL501 [error]", "Found 1 problem in 1 file (1 files checked)."}));
}

// ---- standard input -------------------------------------------------------------------

TEST_F(Cli, StdinWithStdinFilename) {
  ProcessOptions options;
  options.stdin_text = kMixed;
  const ProcessResult run = check({"--isolated", "--select", "TL501", "-", "--stdin-filename", "pkg/model.py"}, options);
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (Lines{"pkg/model.py:4:3: TL501 [error]", "Found 1 problem in 1 file (1 files checked)."}));
}

TEST_F(Cli, StdinFilenamePicksTheLanguage) {
  ProcessOptions options;
  options.stdin_text = "void f(torch::Tensor x) {\n  x.add_(1);\n}\n";
  const ProcessResult as_cpp = check({"--isolated", "--select", "TL501", "-", "--stdin-filename", "f.cpp"}, options);
  EXPECT_EQ(as_cpp.exit_code, 1) << as_cpp.err;
  EXPECT_EQ(essential_lines(as_cpp.out), (Lines{"f.cpp:2:5: TL501 [error]", "Found 1 problem in 1 file (1 files checked)."}));
}

TEST_F(Cli, StdinFilenameFindsItsConfig) {
  write("pyproject.toml", "[tool.torchlint]\nselect = [\"TL501\"]\nper-file-ignores = { \"tests/*\" = [\"TL501\"] }\n");
  ProcessOptions options;
  options.stdin_text = "x.add_(1)\n";
  const ProcessResult ignored = check({"-", "--stdin-filename", "tests/test_model.py"}, options);
  EXPECT_EQ(ignored.exit_code, 0) << ignored.err;
  const ProcessResult reported = check({"-", "--stdin-filename", "src/model.py"}, options);
  EXPECT_EQ(reported.exit_code, 1) << reported.err;
  EXPECT_EQ(essential_lines(reported.out),
            (Lines{"src/model.py:1:3: TL501 [error]", "Found 1 problem in 1 file (1 files checked)."}));
}

// ---- parallelism ----------------------------------------------------------------------

TEST_F(Cli, JobsOneAndEightGiveByteIdenticalOutput) {
  for (int package = 0; package < 6; ++package) {
    for (int module = 0; module < 8; ++module) {
      std::string text = "import torch\n";
      for (int line = 0; line <= (package * 8 + module) % 5; ++line) {
        text += "x" + std::to_string(line) + " = torch.zeros(" + std::to_string(line) + ")\n";
        text += "x" + std::to_string(line) + ".add_(1)\n";
      }
      if (module % 3 == 0) text += "def broken(:\n";
      write("pkg" + std::to_string(package) + "/sub/m" + std::to_string(module) + ".py", text);
    }
    write("pkg" + std::to_string(package) + "/native.cpp", "void f(torch::Tensor t) { t.mul_(2); }\n");
  }
  for (const std::string format : {"full", "concise", "json", "sarif", "github"}) {
    const ProcessResult one = check({"--isolated", "--output-format", format, "-j", "1", "."});
    const ProcessResult eight = check({"--isolated", "--output-format", format, "-j", "8", "."});
    EXPECT_EQ(one.exit_code, 1) << format << ": " << one.err;
    EXPECT_EQ(eight.exit_code, 1) << format << ": " << eight.err;
    EXPECT_GT(one.out.size(), 1000U) << format;
    EXPECT_EQ(one.out, eight.out) << format;
  }
}

// ---- rule selection -------------------------------------------------------------------

TEST_F(Cli, SelectAndIgnoreTakePrefixes) {
  write("mixed.py", kMixed);
  auto codes = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "--isolated");
    args.emplace_back(".");
    return essential_lines(check(args).out);
  };
  EXPECT_EQ(codes({"--select", "TL5"}),
            (Lines{"mixed.py:4:3: TL501 [error]", "mixed.py:5:21: TL503 [warning]",
                   "Found 2 problems in 1 file (1 files checked)."}));
  EXPECT_EQ(codes({"--select", "TL50", "--ignore", "TL501"}),
            (Lines{"mixed.py:5:21: TL503 [warning]", "Found 1 problem in 1 file (1 files checked)."}));
  EXPECT_EQ(codes({"--select", "TL2,TL501"}),
            (Lines{"mixed.py:3:11: TL201 [error]", "mixed.py:4:3: TL501 [error]", "mixed.py:7:10: TL202 [note]",
                   "Found 3 problems in 1 file (1 files checked)."}));
  EXPECT_EQ(codes({"--select", "TL201", "--extend-select", "TL503"}),
            (Lines{"mixed.py:3:11: TL201 [error]", "mixed.py:5:21: TL503 [warning]",
                   "Found 2 problems in 1 file (1 files checked)."}));
  EXPECT_EQ(codes({"--select", "ALL", "--ignore", "TL1,TL2,TL3,TL4,TL6,TL7,TL8,TL9,TL502,TL503"}),
            (Lines{"mixed.py:4:3: TL501 [error]", "Found 1 problem in 1 file (1 files checked)."}));
}

TEST_F(Cli, UnknownCodeOnTheCommandLineIsExitTwo) {
  write("mixed.py", kMixed);
  const ProcessResult run = check({"--isolated", "--select", "TL5,TL777", "."});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "torchlint: configuration error: --select: `select`: unknown rule code `TL777`\n");
  const ProcessResult ignore = check({"--isolated", "--ignore", "XY1", "."});
  EXPECT_EQ(ignore.exit_code, 2);
  EXPECT_EQ(ignore.err, "torchlint: configuration error: --ignore: `ignore`: unknown rule code `XY1`\n");
}

// ---- configuration discovery ----------------------------------------------------------

constexpr const char* kThreeRules =
    "import torch\nimport torch.nn.functional as F\nx = torch.zeros(3)\nx.add_(1)\ny = F.relu(x, inplace=True)\n";

TEST_F(Cli, NearestConfigGovernsEachFile) {
  write("pyproject.toml", "[project]\nname = \"demo\"\n\n[tool.torchlint]\nselect = [\"TL501\"]\n");
  write("root.py", kThreeRules);
  // A pyproject.toml without [tool.torchlint] is skipped: the root's settings apply.
  write("plain/pyproject.toml", "[project]\nname = \"plain\"\n");
  write("plain/a.py", kThreeRules);
  write("tl/torchlint.toml", "select = [\"TL201\"]\n");
  write("tl/b.py", kThreeRules);
  write("tl/dot/.torchlint.toml", "select = [\"TL502\"]\n");
  write("tl/dot/c.py", kThreeRules);
  // In one directory, .torchlint.toml comes before torchlint.toml before pyproject.toml.
  write("both/.torchlint.toml", "select = [\"TL502\"]\n");
  write("both/torchlint.toml", "select = [\"TL201\"]\n");
  write("both/pyproject.toml", "[tool.torchlint]\nselect = [\"TL501\"]\n");
  write("both/d.py", kThreeRules);
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (Lines{"both/d.py:5:15: TL502 [error]", "plain/a.py:4:3: TL501 [error]", "root.py:4:3: TL501 [error]",
                   "tl/b.py:3:11: TL201 [error]", "tl/dot/c.py:5:15: TL502 [error]",
                   "Found 5 problems in 5 files (5 files checked)."}));
}

TEST_F(Cli, ConfigOptionAppliesOneFileToAllAndIsolatedIgnoresThem) {
  write("torchlint.toml", "select = [\"TL201\"]\n");
  write("sub/.torchlint.toml", "select = [\"TL502\"]\n");
  write("sub/m.py", kThreeRules);
  write("other.toml", "select = [\"TL501\"]\n");
  EXPECT_EQ(essential_lines(check({"--config", "other.toml", "."}).out),
            (Lines{"sub/m.py:4:3: TL501 [error]", "Found 1 problem in 1 file (1 files checked)."}));
  EXPECT_EQ(essential_lines(check({"--isolated", "--select", "TL201,TL501,TL502", "."}).out),
            (Lines{"sub/m.py:3:11: TL201 [error]", "sub/m.py:4:3: TL501 [error]", "sub/m.py:5:15: TL502 [error]",
                   "Found 3 problems in 1 file (1 files checked)."}));
}

// ---- configuration errors: exit 2 naming file, line and key ---------------------------

struct ConfigErrorCase {
  const char* name;
  const char* file;
  const char* text;
  const char* expected;  // after "<absolute file>:"
};

class ConfigErrors : public Cli, public ::testing::WithParamInterface<ConfigErrorCase> {};

TEST_P(ConfigErrors, NameFileLineAndKey) {
  const ConfigErrorCase& c = GetParam();
  write("m.py", kThreeRules);
  write(c.file, c.text);
  const ProcessResult run = check({"."});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "torchlint: configuration error: " + at(c.file) + ":" + c.expected + "\n");
}

INSTANTIATE_TEST_SUITE_P(
    Cli, ConfigErrors,
    ::testing::Values(
        ConfigErrorCase{"UnknownTopLevelKey", "torchlint.toml", "select = [\"TL5\"]\nselct = [\"TL5\"]\n",
                        "2: `selct`: unknown key"},
        ConfigErrorCase{"UnknownKeyInPyproject", "pyproject.toml",
                        "[tool.torchlint]\nselect = [\"TL5\"]\n\n[tool.torchlint.inplace]\nallow = [\"copy_\"]\n",
                        "5: `tool.torchlint.inplace.allow`: unknown key"},
        ConfigErrorCase{"UnknownSubtable", ".torchlint.toml", "[lint]\nselect = [\"TL5\"]\n", "1: `lint`: unknown key"},
        ConfigErrorCase{"WrongTypeString", "torchlint.toml", "select = \"TL5\"\n",
                        "1: `select`: expected an array of strings"},
        ConfigErrorCase{"WrongTypeInteger", "pyproject.toml",
                        "[tool.torchlint.structure]\nmax-statements = \"50\"\n",
                        "2: `tool.torchlint.structure.max-statements`: expected an integer"},
        ConfigErrorCase{"WrongTypeBoolean", "torchlint.toml", "respect-gitignore = \"no\"\n",
                        "1: `respect-gitignore`: expected a boolean"},
        ConfigErrorCase{"WrongTypeTable", "torchlint.toml", "inplace = [\"copy_\"]\n", "1: `inplace`: expected a table"},
        ConfigErrorCase{"BadFailOn", "torchlint.toml", "\nfail-on = \"fatal\"\n",
                        "2: `fail-on`: expected \"error\", \"warning\" or \"note\""},
        ConfigErrorCase{"UnknownCodeInSelect", "torchlint.toml", "select = [\"TL5\", \"TL999\"]\n",
                        "1: `select`: unknown rule code `TL999`"},
        ConfigErrorCase{"UnknownCodeInIgnore", "pyproject.toml", "[tool.torchlint]\n\nignore = [\"E501\"]\n",
                        "3: `tool.torchlint.ignore`: unknown rule code `E501`"},
        ConfigErrorCase{"UnknownCodeInPerFileIgnores", "torchlint.toml",
                        "[per-file-ignores]\n\"tests/*\" = [\"TL501\", \"TL5X\"]\n",
                        "2: `per-file-ignores.tests/*`: unknown rule code `TL5X`"}),
    [](const ::testing::TestParamInfo<ConfigErrorCase>& info) { return std::string(info.param.name); });

// ---- .gitignore, default excludes, --force-exclude ------------------------------------

TEST_F(Cli, GitignoreNestedNegatedAndAnchored) {
  fs::create_directories(path() / ".git");
  write(".gitignore", "ignored.py\n/anchored.py\n*.gen.py\n!keep.gen.py\nout/\n");
  write("sub/.gitignore", "!ignored.py\nlocal.py\n");
  const std::string text = "x.add_(1)\n";
  for (const char* name : {"anchored.py", "sub/anchored.py", "ignored.py", "sub/ignored.py", "deep/ignored.py",
                           "x.gen.py", "keep.gen.py", "local.py", "sub/local.py", "out/o.py", "sub/out/o.py",
                           "kept.py"}) {
    write(name, text);
  }
  const ProcessResult run = check({"--isolated", "--select", "TL501", "."});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(essential_lines(run.out),
            (Lines{"keep.gen.py:1:3: TL501 [error]",  // negation re-includes
                   "kept.py:1:3: TL501 [error]",
                   "local.py:1:3: TL501 [error]",            // sub/.gitignore applies under sub/ only
                   "sub/anchored.py:1:3: TL501 [error]",     // `/anchored.py` is anchored to the root
                   "sub/ignored.py:1:3: TL501 [error]",      // the nested negation wins there
                   "Found 5 problems in 5 files (5 files checked)."}));
  const ProcessResult all = check({"--isolated", "--select", "TL501", "--no-respect-gitignore", "."});
  EXPECT_NE(all.out.find("(12 files checked)"), std::string::npos) << all.out;
}

TEST_F(Cli, DefaultExcludesAndForceExclude) {
  const std::string text = "x.add_(1)\n";
  for (const char* directory :
       {".git", ".venv", "venv", "__pycache__", "build", "dist", "node_modules", ".tox", "lib/site-packages"}) {
    write(std::string(directory) + "/skipped.py", text);
  }
  write("src/kept.py", text);
  const ProcessResult run = check({"--isolated", "--select", "TL501", "."});
  EXPECT_EQ(essential_lines(run.out),
            (Lines{"src/kept.py:1:3: TL501 [error]", "Found 1 problem in 1 file (1 files checked)."}));
  // A file named on the command line is checked even when excluded...
  const ProcessResult named = check({"--isolated", "--select", "TL501", "build/skipped.py"});
  EXPECT_EQ(essential_lines(named.out),
            (Lines{"build/skipped.py:1:3: TL501 [error]", "Found 1 problem in 1 file (1 files checked)."}));
  // ...unless --force-exclude (what pre-commit hooks pass).
  const ProcessResult forced = check({"--isolated", "--select", "TL501", "--force-exclude", "build/skipped.py"});
  EXPECT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_EQ(forced.out, "All checks passed! (0 files checked)\n");
}

TEST_F(Cli, ConfiguredExcludesApplyToWalksAndWithForceExclude) {
  write("torchlint.toml", "select = [\"TL501\"]\nextend-exclude = [\"generated\", \"*_pb2.py\"]\n");
  const std::string text = "x.add_(1)\n";
  write("generated/a.py", text);
  write("api_pb2.py", text);
  write("model.py", text);
  EXPECT_EQ(essential_lines(check({"."}).out),
            (Lines{"model.py:1:3: TL501 [error]", "Found 1 problem in 1 file (1 files checked)."}));
  EXPECT_EQ(essential_lines(check({"--force-exclude", "api_pb2.py", "model.py"}).out),
            (Lines{"model.py:1:3: TL501 [error]", "Found 1 problem in 1 file (1 files checked)."}));
  EXPECT_EQ(essential_lines(check({"api_pb2.py"}).out),
            (Lines{"api_pb2.py:1:3: TL501 [error]", "Found 1 problem in 1 file (1 files checked)."}));
}

}  // namespace
}  // namespace torchlint
