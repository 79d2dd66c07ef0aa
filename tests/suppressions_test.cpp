#include <gtest/gtest.h>

#include "linter/run/rule.h"
#include "linter/run/rule_set.h"
#include "linter/run/suppressions.h"

namespace torchlint {
namespace {

Diagnostic at_row(std::uint32_t row, std::string_view code = "TL501") {
  Diagnostic d;
  d.rule = &find_rule(code)->info;
  d.noqa_row = row;
  return d;
}

TEST(Suppressions, PythonNoqaForms) {
  SuppressionSet set;
  set.add_comment("# noqa", 1, Language::Python, 0, 0);
  set.add_comment("# noqa: TL501, TL201", 2, Language::Python, 0, 0);
  set.add_comment("# noqa:E501", 3, Language::Python, 0, 0);
  set.add_comment("# NOQA:TL501 because reasons", 4, Language::Python, 0, 0);
  set.add_comment("# type: ignore  # noqa: TL002", 5, Language::Python, 0, 0);
  EXPECT_TRUE(set.suppresses(at_row(1)));
  EXPECT_TRUE(set.suppresses(at_row(2)));
  EXPECT_FALSE(set.suppresses(at_row(3)));  // E501 suppresses no TL code
  EXPECT_TRUE(set.suppresses(at_row(4)));
  EXPECT_FALSE(set.suppresses(at_row(5)));
  EXPECT_TRUE(set.suppresses(at_row(5, "TL002")));
  EXPECT_FALSE(set.suppresses(at_row(6)));
}

TEST(Suppressions, FileLevel) {
  SuppressionSet set;
  set.add_comment("# torchlint: noqa: TL501", 10, Language::Python, 0, 0);
  EXPECT_TRUE(set.suppresses(at_row(1)));
  EXPECT_FALSE(set.suppresses(at_row(1, "TL002")));
  SuppressionSet all;
  all.add_comment("// torchlint: noqa", 3, Language::Cpp, 0, 0);
  EXPECT_TRUE(all.suppresses(at_row(99, "TL002")));
}

TEST(Suppressions, CppNolintFamily) {
  SuppressionSet set;
  set.add_comment("// NOLINT", 1, Language::Cpp, 0, 0);
  set.add_comment("// NOLINT(TL501)", 2, Language::Cpp, 0, 0);
  set.add_comment("// NOLINT(bugprone-foo)", 3, Language::Cpp, 0, 0);
  set.add_comment("// NOLINTNEXTLINE(TL501)", 4, Language::Cpp, 0, 0);
  set.add_comment("// NOLINTBEGIN(TL501)", 10, Language::Cpp, 0, 0);
  set.add_comment("// NOLINTEND(TL501)", 12, Language::Cpp, 0, 0);
  set.finish(20);
  EXPECT_TRUE(set.suppresses(at_row(1)));
  EXPECT_TRUE(set.suppresses(at_row(2)));
  EXPECT_FALSE(set.suppresses(at_row(3)));
  EXPECT_FALSE(set.suppresses(at_row(4)));
  EXPECT_TRUE(set.suppresses(at_row(5)));
  EXPECT_TRUE(set.suppresses(at_row(11)));
  EXPECT_FALSE(set.suppresses(at_row(13)));
  EXPECT_FALSE(set.suppresses(at_row(5, "TL002")));
}

TEST(Selection, PrefixesAndSpecificity) {
  const RuleInfo& tl501 = find_rule("TL501")->info;
  EXPECT_TRUE(is_selected(tl501, RuleSelection{{"ALL"}, {}, {}, false}));
  EXPECT_TRUE(is_selected(tl501, RuleSelection{{"TL5"}, {}, {}, false}));
  EXPECT_FALSE(is_selected(tl501, RuleSelection{{"TL2"}, {}, {}, false}));
  EXPECT_FALSE(is_selected(tl501, RuleSelection{{"TL5"}, {}, {"TL5"}, false}));    // ignore wins a tie
  EXPECT_TRUE(is_selected(tl501, RuleSelection{{"TL501"}, {}, {"TL5"}, false}));   // more specific select
  EXPECT_FALSE(is_selected(tl501, RuleSelection{{"TL5"}, {}, {"TL50"}, false}));   // more specific ignore
  EXPECT_TRUE(is_selected(tl501, RuleSelection{{"TL2"}, {"TL501"}, {}, false}));   // extend-select
  EXPECT_TRUE(is_known_code_pattern("TL5"));
  EXPECT_FALSE(is_known_code_pattern("TL999"));
  EXPECT_FALSE(is_known_code_pattern("E501"));
}

}  // namespace
}  // namespace torchlint
