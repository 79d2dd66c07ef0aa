#pragma once
// --add-noqa: a suppression comment for every line with findings, so that a large codebase
// can turn the gate on and fix its findings over time.
//
// Python: `  # noqa: CODES` is appended to the diagnostic's reported row (catalog: a line
// suppression applies to the row of the diagnostic's location), or an existing
// `# noqa: ...` list there is extended. C++: `  // NOLINT(CODES)` likewise; where no comment
// can end the line (it ends inside a raw string or block comment, or continues with `\`),
// `// NOLINTNEXTLINE(CODES)` goes on a new line above it. A Python row that ends inside a
// multi-line string or continues with `\` has no place for a line suppression: it is left
// alone and reported. Existing comments are kept; running it twice changes nothing.
#include <string>
#include <string_view>
#include <vector>

#include "linter/config/settings.h"
#include "linter/run/diagnostic.h"
#include "linter/source/source_file.h"

namespace torchlint {

struct AddNoqaResult {
  std::string text;                   // the new text (== input when nothing was added)
  std::size_t added = 0;              // comments added or extended
  std::vector<std::string> messages;  // rows that could not take a suppression
};

// `diagnostics` are the findings of this file (display path `path`), after suppressions.
AddNoqaResult add_noqa(std::string_view text, Language language, const std::vector<Diagnostic>& diagnostics,
                       const std::string& path, const Settings& settings);

}  // namespace torchlint
