#pragma once
// Size and complexity of Python functions (TL401, TL402).
//
// Statement count: every simple statement and every clause header of a compound statement
// (`if`, `elif`, `else`, `for`, `while`, `try`, `except`, `finally`, `with`, `match`, `case`,
// `def`, `class`) counts once; the bodies of nested functions count only for them.
//
// McCabe complexity: the number the `mccabe` package (0.7, flake8's C901) computes, by
// replaying its path graph on the tree-sitter tree: nested functions and classes are folded
// into the enclosing function, a `finally` block is not visited, and `match` and `try` with
// `except*` are single statements (as mccabe sees them under CPython 3.11+).
#include <tree_sitter/api.h>

namespace torchlint {

struct FunctionInfo;

// Statements in the body of a `function_definition` (its own header excluded).
int statement_count(TSNode function_definition);

// McCabe complexity of a `function_definition`, nested functions folded in.
int mccabe_complexity(TSNode function_definition);

// True when mccabe folds this function into an enclosing function's graph (it is defined,
// at any depth, inside another def), so it has no complexity of its own.
bool is_folded_into_enclosing_function(const FunctionInfo& function);

}  // namespace torchlint
