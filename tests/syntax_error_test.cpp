// TL002 fidelity: real Python syntax errors are errors; constructs CPython accepts but
// tree-sitter-python cannot parse are notes that say so; indentation errors the grammar does
// not enforce are still found.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "linter/run/lint_file.h"
#include "linter/semantic/python_grammar_gaps.h"

namespace torchlint {
namespace {

std::optional<Diagnostic> tl002(const std::string& text, Language language = Language::Python) {
  Settings settings;
  settings.selection.select = {"TL002"};
  const RuleSet rules(settings.selection);
  const SourceFile file(language == Language::Python ? "case.py" : "case.cpp", text, language);
  for (auto& diagnostic : lint_source(file, settings, rules)) {
    if (diagnostic.rule->code == "TL002") return diagnostic;
  }
  return std::nullopt;
}

void expect_error(const std::string& text, Position at) {
  auto d = tl002(text);
  ASSERT_TRUE(d.has_value()) << text;
  EXPECT_EQ(d->level, Level::Error) << text;
  EXPECT_EQ(d->range.start, at) << text;
  EXPECT_EQ(d->message.rfind("syntax error", 0), 0U) << d->message;
}

void expect_grammar_gap(const std::string& text) {
  auto d = tl002(text);
  ASSERT_TRUE(d.has_value()) << text;
  EXPECT_EQ(d->level, Level::Note) << text;
  EXPECT_NE(d->message.find("not understood"), std::string::npos) << d->message;
  EXPECT_NE(d->message.find("rules were skipped there"), std::string::npos) << d->message;
  EXPECT_EQ(d->message.find("syntax error:"), std::string::npos) << d->message;
}

TEST(SyntaxError, ValidFileHasNone) {
  EXPECT_FALSE(tl002("import torch\n\ndef f(x):\n    return torch.relu(x)\n").has_value());
  EXPECT_FALSE(tl002("if a:  # c\n    # only a comment\n\n    pass\nelse:\n\tpass\n").has_value());
  EXPECT_FALSE(tl002("if a and \\\n        b:\n    pass\n").has_value());
  EXPECT_FALSE(tl002("def f():\n    \"\"\"doc:\n  text\n\"\"\"\n    return 1\n").has_value());
  EXPECT_FALSE(tl002("x = 1\n\f\ndef f():\n    pass\n").has_value());
  EXPECT_FALSE(tl002("if a: pass; x = 1\nclass A: pass\n").has_value());
}

TEST(SyntaxError, RealErrorsStayErrors) {
  expect_error("def f(:\n    pass\n", {1, 7});
  expect_error("x = [1, 2\ny = 3\n", {1, 3});
  expect_error("x = 1 +\n", {1, 1});
  expect_error("class = 1\n", {1, 1});
}

TEST(SyntaxError, IndentationErrorsTheGrammarAcceptsAreErrors) {
  auto unexpected = tl002("  x = 1\ny = 2\n");
  ASSERT_TRUE(unexpected.has_value());
  EXPECT_EQ(unexpected->level, Level::Error);
  EXPECT_EQ(unexpected->range.start, (Position{1, 3}));
  EXPECT_EQ(unexpected->message, "syntax error: unexpected indent");

  auto unindent = tl002("def f():\n        x = 1\n    y = 2\n");
  ASSERT_TRUE(unindent.has_value());
  EXPECT_EQ(unindent->range.start, (Position{3, 5}));
  EXPECT_EQ(unindent->message, "syntax error: unindent does not match any outer indentation level");

  auto missing_block = tl002("if x:\npass\n");
  ASSERT_TRUE(missing_block.has_value());
  EXPECT_EQ(missing_block->range.start, (Position{2, 1}));
  EXPECT_EQ(missing_block->message, "syntax error: expected an indented block");

  auto header_at_end = tl002("x = 1\nclass A:\n    # todo\n");
  ASSERT_TRUE(header_at_end.has_value());
  EXPECT_EQ(header_at_end->range.start, (Position{2, 1}));
}

TEST(SyntaxError, StarredLiteralInTupleIsAGrammarGap) {
  // torch/distributed/elastic/rendezvous/utils.py
  expect_grammar_gap("def f(endpoint):\n    host, *rest = endpoint, *[]\n    return host\n");
  expect_grammar_gap("def f(a):\n    return a, *(1, 2)\n");
  expect_grammar_gap("for x in a, *[1]:\n    pass\n");
  expect_grammar_gap("x = t[*[0], 1]\n");
  expect_grammar_gap("x = a, *-b, *\"ab\", *None\n");
}

TEST(SyntaxError, DedentedContinuationInBracketsIsAGrammarGap) {
  expect_grammar_gap("if True:\n  print(1 +\n1)\n");
  expect_grammar_gap("class A:\n    def f(self):\n        return (a and  # why\n\n# note\nb)\n    def g(self):\n"
                     "        pass\n");
  expect_grammar_gap("def f():\r\n    x = foo(1 +\r\n2)\r\n    return x\r\n");
}

TEST(SyntaxError, FormatSpecFillEqualsIsAGrammarGap) {
  expect_grammar_gap("def banner(title):\n    print(f\"{title:=^40}\")\n");
}

TEST(SyntaxError, RealErrorAfterAGrammarGapIsStillAnError) {
  expect_error("x = a, *[1]\ndef g(:\n    pass\n", {2, 7});
  expect_error("def g(:\n    pass\nx = a, *[1]\n", {1, 7});
  expect_error("x = a, *[1]\n  y = 2\n", {2, 3});
}

TEST(SyntaxError, InvalidStarredCodeIsNotExcused) {
  // CPython rejects these; the rewrite must not turn them into notes.
  expect_error("x = a, *lambda: b\n", {1, 8});
  auto in_assert = tl002("assert x, \"message\", *[1]\n");
  ASSERT_TRUE(in_assert.has_value());
  EXPECT_EQ(in_assert->level, Level::Error);
}

TEST(SyntaxError, CppParseTroubleIsAlwaysANote) {
  auto d = tl002("int f( { return 1; }\n", Language::Cpp);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->level, Level::Note);
}

TEST(GrammarGapRewrite, KeepsLengthAndRewritesOnlyTheGap) {
  const std::string source = "s = 'a, *[1]'  # x, *[2]\nhost, *rest = endpoint, *[]\ny = a * [3]\n";
  GapRewrite rewrite = rewrite_grammar_gaps(source);
  ASSERT_EQ(rewrite.text.size(), source.size());
  ASSERT_EQ(rewrite.gaps.size(), 1U);
  const auto star = source.find("*[]");
  EXPECT_EQ(rewrite.gaps[0].start, star);
  std::string expected = source;
  expected[star] = ' ';
  EXPECT_EQ(rewrite.text, expected);
}

TEST(GrammarGapRewrite, JoinsADedentedContinuationLine) {
  const std::string source = "if c:\n    f(1 +  # note\n2)\n";
  GapRewrite rewrite = rewrite_grammar_gaps(source);
  ASSERT_EQ(rewrite.gaps.size(), 1U);
  EXPECT_EQ(rewrite.text, "if c:\n    f(1 +         2)\n");
}

TEST(GrammarGapRewrite, FormatSpecFill) {
  const std::string source = "x = f\"{a:=^10} {b!r:=>{w}} {c == d} {e!=f}\"\n";
  GapRewrite rewrite = rewrite_grammar_gaps(source);
  ASSERT_EQ(rewrite.gaps.size(), 2U);
  EXPECT_EQ(rewrite.text, "x = f\"{a: ^10} {b!r: >{w}} {c == d} {e!=f}\"\n");
}

TEST(GrammarGapRewrite, StarsThatAreNotGapsAreLeftAlone) {
  for (const std::string source : {"f(*[1])\n", "x = a * (b)\n", "def f(a, *, b): pass\n", "x = [*a, *f()]\n",
                                   "x = a ** -b\n", "x *= -1\n", "from m import *\n", "x = a, *b.c\n"}) {
    EXPECT_TRUE(rewrite_grammar_gaps(source).gaps.empty()) << source;
  }
}

TEST(IndentationCheck, DeepNestingDoesNotRecurse) {
  std::string source = "x = f\"";
  for (int i = 0; i < 5000; ++i) source += "{f\"";
  source += "\n";
  (void)rewrite_grammar_gaps(source);
  EXPECT_FALSE(find_indentation_error("x = (" + std::string(100000, '(') + "\n").has_value());
}

}  // namespace
}  // namespace torchlint
