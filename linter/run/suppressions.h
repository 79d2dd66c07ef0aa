#pragma once
// Suppression comments (catalog conventions): Python `# noqa[: CODES]` on a line and
// file-level `# torchlint: noqa[: CODES]`; C++ `// NOLINT[(CODES)]`, `NOLINTNEXTLINE`,
// `NOLINTBEGIN`/`NOLINTEND` and file-level `// torchlint: noqa[: CODES]`.
// Only TL codes count: `# noqa: E501` suppresses no TL code.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "linter/run/diagnostic.h"
#include "linter/source/source_file.h"

namespace torchlint {

struct Suppression {
  std::uint32_t first_row = 0;  // 1-based, inclusive
  std::uint32_t last_row = 0;   // 1-based, inclusive; 0 with file_level
  bool file_level = false;
  bool all_codes = false;       // bare noqa / NOLINT
  std::vector<std::string> codes;
  std::uint32_t comment_start = 0;  // byte span of the comment, for TL003
  std::uint32_t comment_end = 0;
  mutable bool used = false;
  mutable std::uint64_t used_codes = 0;  // bit i: codes[i] suppressed something (TL003)
};

class SuppressionSet {
 public:
  // Adds what one comment (its text including `#` or `//`) says, found at `row` (1-based).
  void add_comment(std::string_view comment, std::uint32_t row, Language language, std::uint32_t start_byte,
                   std::uint32_t end_byte);
  // Closes NOLINTBEGIN regions left open (they run to the end of the file).
  void finish(std::uint32_t last_row);
  [[nodiscard]] bool suppresses(const Diagnostic& diagnostic) const;
  [[nodiscard]] const std::vector<Suppression>& entries() const { return entries_; }
  // Restores an entry read back from the cache.
  void add_entry(Suppression entry) { entries_.push_back(std::move(entry)); }

 private:
  std::vector<Suppression> entries_;
  struct Open {
    std::uint32_t row;
    std::vector<std::string> codes;
    bool all;
    std::uint32_t start, end;
  };
  std::vector<Open> open_regions_;
};

// `text` in ASCII lower case: directives (`noqa`, `torchlint: noqa`) match in any case.
std::string ascii_lower(std::string_view text);

// Parses a comma/space separated code list ("TL501, TL201"): TL codes only.
std::vector<std::string> parse_code_list(std::string_view text);

// A code written after "noqa": its byte span within the text passed in.
struct CodeSpan {
  std::size_t start = 0;
  std::size_t end = 0;
};

// The codes of a `: A, B C` list starting at `after` (just past "noqa"), read as Ruff
// reads them: separated by commas and/or whitespace, ending at the first word that is not
// a code. Empty when there is no colon or no code: such a noqa covers every code. The
// suppression parser, TL003, --add-noqa and the LSP's quick fix all read lists with it.
std::vector<CodeSpan> noqa_code_spans(std::string_view text, std::size_t after);

}  // namespace torchlint
