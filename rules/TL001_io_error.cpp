// TL001 io-error: emitted by the engine (lint_path) when a file cannot be read or is not text.
#include "linter/run/rule.h"

namespace torchlint::rules {

const Rule& tl001_io_error() {
  static const Rule rule{
      .info = {.code = "TL001",
               .name = "io-error",
               .level = Level::Error,
               .section = "Meta",
               .summary = "A file that cannot be read or is not text",
               .docs = R"md(## What it does
Reports a file that torchlint found or was given but could not lint: permission denied, a
directory named like a source file, a read error, a file that is not text (it contains NUL
bytes or is not valid UTF-8), or one that ran past `--file-timeout`. The rest of the run goes
on; a path that does not exist at all is a usage error (exit status 2), not this rule.

## Why is this bad?
A lint gate that silently skips a file gives a false sense of safety. Reporting the file
makes the gap visible.

## Location
Row 1, column 1 of the file.
)md"},
      .python = {},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
