// --add-noqa (issue 12): a suppression on every line with findings, existing comments kept,
// idempotent; NOLINTNEXTLINE where a C++ line cannot end with a comment; the file-level
// form where a Python row cannot take one. And TL003 unused-suppression on the CLI.
#include <gtest/gtest.h>

#include <filesystem>

#include "linter/config/settings.h"
#include "linter/run/add_noqa.h"
#include "linter/run/lint_file.h"
#include "linter/run/rule_set.h"
#include "process_support.h"

namespace torchlint {
namespace {

namespace fs = std::filesystem;
using testing::read_text;
using testing::run_process;
using testing::run_torchlint;
using testing::TempDir;

// Lints `text` as `name` with `select`, adds suppressions, and returns the result.
AddNoqaResult noqa(const std::string& name, const std::string& text, const std::vector<std::string>& select) {
  Settings settings;
  settings.selection.select = select;
  const RuleSet rules(settings.selection);
  SourceFile file(name, text, language_for_path(name));
  const auto diagnostics = lint_source(file, settings, rules);
  return add_noqa(text, file.language(), diagnostics, name, settings);
}

std::vector<Diagnostic> lint(const std::string& name, const std::string& text, const std::vector<std::string>& select) {
  Settings settings;
  settings.selection.select = select;
  const RuleSet rules(settings.selection);
  SourceFile file(name, text, language_for_path(name));
  return lint_source(file, settings, rules);
}

TEST(AddNoqa, PythonAppendsExtendsAndKeepsComments) {
  const std::string text =
      "import torch\n"
      "\n"
      "\n"
      "def f(x: torch.Tensor) -> torch.Tensor:\n"
      "    x.add_(1); y = torch.zeros(3)   \n"
      "    x.mul_(2)  # keep this comment\n"
      "    x.sub_(1)  # noqa: E501\n"
      "    z = torch.ones(\n"
      "        3)\n"
      "    return x + y + z\n";
  const AddNoqaResult result = noqa("m.py", text, {"TL201", "TL501"});
  EXPECT_EQ(result.text,
            "import torch\n"
            "\n"
            "\n"
            "def f(x: torch.Tensor) -> torch.Tensor:\n"
            "    x.add_(1); y = torch.zeros(3)  # noqa: TL201, TL501\n"
            "    x.mul_(2)  # keep this comment  # noqa: TL501\n"
            "    x.sub_(1)  # noqa: E501, TL501\n"
            "    z = torch.ones(  # noqa: TL201\n"
            "        3)\n"
            "    return x + y + z\n");
  EXPECT_EQ(result.added, 4U);
  EXPECT_TRUE(result.messages.empty());
  EXPECT_TRUE(lint("m.py", result.text, {"TL201", "TL501"}).empty());
  EXPECT_EQ(noqa("m.py", result.text, {"TL201", "TL501"}).text, result.text);  // idempotent
}

TEST(AddNoqa, PythonRowInsideAMultiLineStringGetsTheFileLevelForm) {
  const std::string text =
      "#!/usr/bin/env python3\n"
      "# -*- coding: utf-8 -*-\n"
      "import torch\n"
      "x = torch.zeros(3).add_(torch.tensor(\"\"\"\n"
      "1\"\"\"))\n"
      "y = torch.ones(2) \\\n"
      "    + 1\n";
  const AddNoqaResult result = noqa("m.py", text, {"TL201", "TL501"});
  EXPECT_EQ(result.text,
            "#!/usr/bin/env python3\n"
            "# -*- coding: utf-8 -*-\n"
            "# torchlint: noqa: TL201, TL501 -- added by --add-noqa: no line suppression fits lines 4, 6\n"
            "import torch\n"
            "x = torch.zeros(3).add_(torch.tensor(\"\"\"\n"
            "1\"\"\"))\n"
            "y = torch.ones(2) \\\n"
            "    + 1\n");
  ASSERT_EQ(result.messages.size(), 2U);
  EXPECT_NE(result.messages[0].find("m.py:4: no line suppression fits here"), std::string::npos);
  EXPECT_TRUE(lint("m.py", result.text, {"TL201", "TL501"}).empty());
  EXPECT_EQ(noqa("m.py", result.text, {"TL201", "TL501"}).text, result.text);
}

TEST(AddNoqa, CppNolintNolintNextLineAndCrlf) {
  const std::string text =
      "#include <torch/torch.h>\r\n"
      "void f(torch::Tensor x) {\r\n"
      "  x.add_(1);\r\n"
      "  x.mul_(2);  // NOLINT(bugprone-foo)\r\n"
      "  auto s = torch::zeros({2}).add_(R\"(\r\n"
      "raw)\");\r\n"
      "  // NOLINTNEXTLINE(TL201)\r\n"
      "  auto t = torch::ones({2}).sub_(R\"(\r\n"
      ")\");\r\n"
      "}\r\n";
  const AddNoqaResult result = noqa("m.cpp", text, {"TL201", "TL501"});
  EXPECT_EQ(result.text,
            "#include <torch/torch.h>\r\n"
            "void f(torch::Tensor x) {\r\n"
            "  x.add_(1);  // NOLINT(TL501)\r\n"
            "  x.mul_(2);  // NOLINT(bugprone-foo, TL501)\r\n"
            "  // NOLINTNEXTLINE(TL201, TL501)\r\n"
            "  auto s = torch::zeros({2}).add_(R\"(\r\n"
            "raw)\");\r\n"
            "  // NOLINTNEXTLINE(TL201, TL501)\r\n"
            "  auto t = torch::ones({2}).sub_(R\"(\r\n"
            ")\");\r\n"
            "}\r\n");
  EXPECT_TRUE(lint("m.cpp", result.text, {"TL201", "TL501"}).empty());
  EXPECT_EQ(noqa("m.cpp", result.text, {"TL201", "TL501"}).text, result.text);
}

TEST(AddNoqaCli, SuppressesEverythingChangesNoAstAndIsIdempotent) {
  TempDir dir;
  const fs::path source = fs::path(TORCHLINT_SOURCE_DIR) / "fixtures" / "fixes";
  for (const auto& entry : fs::directory_iterator(source)) {
    if (entry.path().extension() == ".py" || entry.path().extension() == ".cpp") {
      fs::copy_file(entry.path(), dir.path() / entry.path().filename());
    }
  }
  // TL003 too: the fixtures' unused suppressions get a `TL003` of their own.
  auto result = run_torchlint(
      {"check", "--isolated", "--no-cache", "--extend-select", "TL003", "--add-noqa", dir.path().string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("added "), std::string::npos) << result.err;
  result = run_torchlint({"check", "--isolated", "--no-cache", "--extend-select", "TL003", dir.path().string()});
  EXPECT_EQ(result.exit_code, 0) << result.out;
  EXPECT_NE(result.out.find("All checks passed"), std::string::npos) << result.out;
  const std::string snapshot = testing::snapshot_tree(dir.path());
  result = run_torchlint(
      {"check", "--isolated", "--no-cache", "--extend-select", "TL003", "--add-noqa", dir.path().string()});
  EXPECT_EQ(testing::snapshot_tree(dir.path()), snapshot);
  if (fs::exists("/usr/bin/python3")) {
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      if (entry.path().extension() != ".py") continue;
      const auto compare = run_process(
          "/usr/bin/python3",
          {"-c", "import ast,sys; a,b=(ast.dump(ast.parse(open(p,'rb').read())) for p in sys.argv[1:]); sys.exit(a!=b)",
           (source / entry.path().filename()).string(), entry.path().string()});
      EXPECT_EQ(compare.exit_code, 0) << entry.path().filename() << compare.err;
    }
  }
}

TEST(AddNoqaCli, RefusesToCombineWithFix) {
  TempDir dir;
  const auto result = run_torchlint({"check", "--isolated", "--add-noqa", "--fix", dir.path().string()});
  EXPECT_EQ(result.exit_code, 2);
}

TEST(UnusedSuppression, OffByDefaultAndOnlyExplicitlySelected) {
  TempDir dir;
  const fs::path file = dir.write("m.py", "x = 1  # noqa: TL201\n");
  auto result = run_torchlint({"check", "--isolated", "--no-cache", "--output-format", "concise", file.string()});
  EXPECT_EQ(result.out.find("TL003"), std::string::npos) << result.out;
  result = run_torchlint({"check", "--isolated", "--no-cache", "--select", "TL0", "--output-format", "concise", file.string()});
  EXPECT_EQ(result.out.find("TL003"), std::string::npos) << result.out;
  result = run_torchlint(
      {"check", "--isolated", "--no-cache", "--extend-select", "TL003", "--output-format", "concise", file.string()});
  EXPECT_NE(result.out.find("1:8: TL003 [note] unused suppression of `TL201`"), std::string::npos) << result.out;
  EXPECT_EQ(result.exit_code, 0);  // a note does not fail the run
  result = run_torchlint({"check", "--isolated", "--no-cache", "--extend-select", "TL003", "--fix", file.string()});
  EXPECT_EQ(read_text(file), "x = 1\n");
}

}  // namespace
}  // namespace torchlint
