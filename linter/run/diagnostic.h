#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linter/source/source_file.h"

namespace torchlint {

enum class Level { Error, Warning, Note };
std::string_view level_name(Level level);  // "error" | "warning" | "note"
std::optional<Level> parse_level(std::string_view text);

struct RuleInfo;

// One text replacement of a fix; byte offsets into the file as read.
struct Edit {
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  std::string content;
  Range range;  // positions of start/end, filled by the runner
};

enum class Applicability { Safe, Unsafe, DisplayOnly };

struct Fix {
  std::string message;
  Applicability applicability = Applicability::Safe;
  std::vector<Edit> edits;
};

struct Diagnostic {
  std::string path;  // as discovered or named (display path)
  const RuleInfo* rule = nullptr;
  Level level = Level::Warning;
  std::string message;
  Range range;                     // start and exclusive end
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
  std::uint32_t noqa_row = 1;      // row where a line suppression applies
  std::optional<Fix> fix;
  std::optional<std::uint32_t> cell;  // notebooks: 1-based cell
};

// Sorted by path, row, column, code (the order every output uses).
bool diagnostic_less(const Diagnostic& a, const Diagnostic& b);

}  // namespace torchlint
