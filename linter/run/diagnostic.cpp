#include "linter/run/diagnostic.h"

#include <tuple>

#include "linter/run/rule.h"

namespace torchlint {

std::string_view level_name(Level level) {
  switch (level) {
    case Level::Error: return "error";
    case Level::Warning: return "warning";
    case Level::Note: return "note";
  }
  return "warning";
}

std::optional<Level> parse_level(std::string_view text) {
  if (text == "error") return Level::Error;
  if (text == "warning") return Level::Warning;
  if (text == "note") return Level::Note;
  return std::nullopt;
}

bool diagnostic_less(const Diagnostic& a, const Diagnostic& b) {
  // Notebook diagnostics: rows count within a cell, so the cell orders first.
  const std::uint32_t a_cell = a.cell.value_or(0);
  const std::uint32_t b_cell = b.cell.value_or(0);
  return std::forward_as_tuple(a.path, a_cell, a.range.start, a.rule->code, a.range.end, a.message) <
         std::forward_as_tuple(b.path, b_cell, b.range.start, b.rule->code, b.range.end, b.message);
}

}  // namespace torchlint
