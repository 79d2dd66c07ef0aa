// TL002 syntax-error: emitted by the engine (linter/semantic/syntax_error.cpp) at the first parse error.
#include "linter/run/rule.h"

namespace torchlint::rules {

const Rule& tl002_syntax_error() {
  static const Rule rule{
      .info = {.code = "TL002",
               .name = "syntax-error",
               .level = Level::Error,
               .section = "Meta",
               .summary = "The file does not parse",
               .docs = R"md(## What it does
Reports the first parse error of a file, once. The rules still run on the recovered tree but
report nothing inside the region the parser could not understand.

In Python this is an error, except for the few constructs CPython accepts that the
tree-sitter grammar cannot parse: those get this code at level *note*, with a message saying
the construct is not understood and that rules were skipped there. A file CPython compiles is
never called a syntax error.

In C, C++ and CUDA files this code is always a *note*: parse trouble there usually comes from
macros the preprocessor would expand, and the compiler is the judge of syntax.

## Location
The first error node.
)md"},
      .python = {},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
