#pragma once
// Size and complexity of C++ functions (TL401, TL402), mirroring the Python metrics.
//
// Statement count: every statement in the body counts once — expression statements, local
// declarations, `return`/`break`/`continue`/`goto`/`throw`, and the header of every compound
// statement (`if`, `else` (an `else if` counts as its `if`), `for`, range-for, `while`, `do`,
// `switch`, `case`/`default`, `try`, `catch`). Braces alone (`{ ... }`), labels, a `for`'s
// init-declaration and an `if (auto x = ...)` condition count nothing extra. Lambdas and member
// functions of local classes are nested functions: their statements are not counted here.
//
// Complexity: 1 + each `if`, `for`, range-for, `while`, `do`, `case` (not `default`), `catch`
// and `?:` (catalog). Lambdas are folded into the enclosing function, as mccabe folds nested
// functions; member functions of local classes are not.
#include <tree_sitter/api.h>

namespace torchlint {

// Statements in the body of a C++ `function_definition`.
int cpp_statement_count(TSNode function_definition);

// Cyclomatic complexity of a C++ `function_definition`.
int cpp_complexity(TSNode function_definition);

}  // namespace torchlint
