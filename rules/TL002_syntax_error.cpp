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

The grammar gaps torchlint knows (tree-sitter-python 0.25):

- a starred literal, display or unary expression as an element of an unparenthesized tuple:
  `host, *rest = endpoint, *[]` (in the torch tree), `return a, *(b, c)`, `x[*[0]]`;
- a continuation line inside brackets indented less than its statement
  (`if c:` / `    total = (a +` / `b)`): Python ignores indentation inside brackets;
- an f-string format spec with the fill character `=` (`f"{title:=^40}"`), which the grammar
  reads as `:=`.

How it decides: when a file does not parse, these constructs are rewritten (byte for byte, into
text the grammar accepts and that means the same to CPython) and the file is parsed again. If
the errors are gone, the file is valid Python and gets the note, at the first error node of the
original parse. If an error remains, it is a real one and is reported as an error where it is.

The other direction: the grammar accepts any indentation, CPython does not. Indentation errors
are errors too: *unexpected indent*, *unindent does not match any outer indentation level*,
*expected an indented block* (a block header followed by an unindented line, or at the end of
the file), reported at the offending statement.

```python
def f(:          # error: syntax error: expected `)`
    pass

x = 1
    y = 2        # error: syntax error: unexpected indent

host, *rest = endpoint, *[]   # note: construct not understood; rules were skipped there
```

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
