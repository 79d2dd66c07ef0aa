#pragma once
// Valid Python that tree-sitter-python 0.25 cannot parse. TL002 must not call such a file a
// syntax error, so the few known gaps are recognised here by a small tokenizer and rewritten,
// byte for byte, into text the grammar accepts and CPython reads the same way. Reparsing the
// rewritten text tells a grammar gap (the error disappears) from a real syntax error (it stays,
// at the same byte offsets, since every rewrite keeps the length).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace torchlint {

struct GrammarGap {
  std::uint32_t start = 0;     // byte offset of the construct
  std::string_view construct;  // what it is, for the message
};

struct GapRewrite {
  std::string text;               // same length as the source
  std::vector<GrammarGap> gaps;   // in source order; empty: nothing rewritten
};

// The known gaps:
//  - a starred literal, display or unary expression in an unparenthesized tuple:
//    `host, *rest = endpoint, *[]`, `return a, *(b, c)`, `x[*[0]]` (the star becomes a space);
//  - a continuation line inside brackets indented less than its statement
//    (`if c:\n    f(1 +\n2)`): the line is joined to the previous one (newlines, a trailing
//    backslash and the previous line's comment become spaces);
//  - an f-string format spec that starts with `=` (`f"{x:=^10}"`, fill character `=`), which
//    the grammar reads as `:=`: the `=` becomes a space.
GapRewrite rewrite_grammar_gaps(std::string_view source);

// The other direction: Python's indentation rules, which the grammar does not enforce
// (tree-sitter-python accepts `  x = 1` at the top level, or `if c:` followed by an unindented
// line). The first violation, as CPython's tokenizer would report it.
struct IndentationError {
  std::uint32_t start = 0;  // first byte of the offending statement
  std::string_view message;
};
std::optional<IndentationError> find_indentation_error(std::string_view source);

}  // namespace torchlint
