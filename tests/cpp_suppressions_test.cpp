// C++ suppressions end to end: real parsing (with macro recovery), TL501's C++ check, and
// clang-tidy's NOLINT family plus the file-level `// torchlint: noqa` comment.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "linter/run/lint_file.h"
#include "linter/run/rule_set.h"

namespace torchlint {
namespace {

// "row:code" of every diagnostic left after suppressions.
std::vector<std::string> lint_cpp(const std::string& text, std::vector<std::string> select = {"TL501"}) {
  Settings settings;
  settings.selection.select = std::move(select);
  const RuleSet rules(settings.selection);
  const SourceFile file("test.cpp", text, Language::Cpp);
  std::vector<std::string> rows;
  for (const auto& d : lint_source(file, settings, rules)) {
    rows.push_back(std::to_string(d.range.start.row) + ":" + std::string(d.rule->code));
  }
  return rows;
}

using Rows = std::vector<std::string>;

TEST(CppSuppressions, NolintOnTheLine) {
  EXPECT_EQ(lint_cpp("void f(torch::Tensor x) {\n"
                     "  x.add_(1);  // NOLINT\n"
                     "  x.mul_(2);  // NOLINT(TL501)\n"
                     "  x.sub_(3);  // NOLINT(TL201)\n"
                     "  x.div_(4);  // NOLINT(bugprone-use-after-move, TL501)\n"
                     "  x.exp_();   /* NOLINT(TL501) */\n"
                     "  x.log_();   // NOLINT(*)\n"
                     "}\n"),
            Rows{"4:TL501"});
}

TEST(CppSuppressions, NolintNextLineOnlyCoversTheNextLine) {
  EXPECT_EQ(lint_cpp("void f(torch::Tensor x) {\n"
                     "  // NOLINTNEXTLINE(TL501)\n"
                     "  x.add_(1);\n"
                     "  x.mul_(2);\n"
                     "  // NOLINTNEXTLINE\n"
                     "\n"
                     "  x.sub_(3);\n"
                     "}\n"),
            (Rows{"4:TL501", "7:TL501"}));
}

TEST(CppSuppressions, NolintBeginEndRegion) {
  EXPECT_EQ(lint_cpp("void f(torch::Tensor x) {\n"
                     "  // NOLINTBEGIN(TL501)\n"
                     "  x.add_(1);\n"
                     "  x.mul_(2);\n"
                     "  // NOLINTEND(TL501)\n"
                     "  x.sub_(3);\n"
                     "  // NOLINTBEGIN\n"
                     "  x.div_(4);\n"
                     "}\n"),  // an unclosed region runs to the end of the file
            Rows{"6:TL501"});
}

TEST(CppSuppressions, RegionOfAnotherCodeDoesNotSuppress) {
  EXPECT_EQ(lint_cpp("void f(torch::Tensor x) {\n"
                     "  // NOLINTBEGIN(TL201)\n"
                     "  x.add_(1);\n"
                     "  // NOLINTEND(TL201)\n"
                     "}\n"),
            Rows{"3:TL501"});
}

TEST(CppSuppressions, FileLevelComment) {
  const std::string body =
      "void f(torch::Tensor x) {\n"
      "  x.add_(1);\n"
      "}\n";
  EXPECT_EQ(lint_cpp("// torchlint: noqa: TL501\n" + body), Rows{});
  EXPECT_EQ(lint_cpp(body + "// torchlint: noqa\n"), Rows{});
  EXPECT_EQ(lint_cpp("// torchlint: noqa: TL201\n" + body), Rows{"3:TL501"});
}

TEST(CppSuppressions, MultiLineStatementUsesTheRowOfTheLocation) {
  EXPECT_EQ(lint_cpp("void f(torch::Tensor x, torch::Tensor y) {\n"
                     "  x.mul_(2)\n"
                     "   .add_(y);  // NOLINT(TL501)\n"
                     "}\n"),
            Rows{"2:TL501"});
}

TEST(CppSuppressions, CommentTextInsideStringsIsNotASuppression) {
  EXPECT_EQ(lint_cpp("void f(torch::Tensor x) {\n"
                     "  x.add_(1); const char* s = \"// NOLINT\";\n"
                     "}\n"),
            Rows{"2:TL501"});
}

TEST(CppSuppressions, WorksInsideMacroHeavyAndPreprocessedCode) {
  EXPECT_EQ(lint_cpp("#ifdef USE_CUDA\n"
                     "__global__ void k(float* p) {}\n"
                     "TORCH_API void f(torch::Tensor x, cudaStream_t s) {\n"
                     "  k<<<1, 1, 0, s>>>(x.data_ptr<float>());  // NOLINT\n"
                     "  x.zero_();  // NOLINT(TL501)\n"
                     "  x.fill_(1);\n"
                     "}\n"
                     "#endif\n"),
            Rows{"6:TL501"});
}

}  // namespace
}  // namespace torchlint
