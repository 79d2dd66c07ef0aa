#pragma once
// TL003 unused-suppression (rules/TL003_unused_suppression.cpp): after a file's
// diagnostics were filtered, the suppression comments that suppressed nothing.
#include <vector>

#include "linter/config/settings.h"
#include "linter/run/diagnostic.h"
#include "linter/run/rule_set.h"
#include "linter/run/suppressions.h"
#include "linter/source/source_file.h"

namespace torchlint {

// Appends TL003 diagnostics (with their fixes) for `file` to `diagnostics`, which must be
// the file's diagnostics after filter_file_diagnostics ran with `suppressions` (so the
// `used` marks are set). Keeps `diagnostics` sorted.
void report_unused_suppressions(const SourceFile& file, const SuppressionSet& suppressions, const RuleSet& rules,
                                const Settings& settings, std::vector<Diagnostic>& diagnostics);

}  // namespace torchlint
