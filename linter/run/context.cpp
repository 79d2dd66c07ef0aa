#include "linter/run/context.h"

#include <algorithm>

#include "linter/semantic/python_model.h"

namespace torchlint {

bool Context::in_forward() const {
  for (auto it = functions_.rbegin(); it != functions_.rend(); ++it) {
    if ((*it)->is_forward) return true;
  }
  return false;
}

void Context::report(TSNode node, std::string message, std::optional<Fix> fix) {
  report_span(ts_node_start_byte(node), ts_node_end_byte(node), std::move(message), std::move(fix));
}

void Context::report_span(std::uint32_t start, std::uint32_t end, std::string message, std::optional<Fix> fix) {
  // Nothing is reported inside a region the parser could not understand.
  if (error_depth_ > 0 || rule_ == nullptr) return;
  Diagnostic diagnostic;
  diagnostic.path = source_.path();
  diagnostic.rule = &rule_->info;
  diagnostic.level = rule_->info.level;
  diagnostic.message = std::move(message);
  diagnostic.start_byte = start;
  diagnostic.end_byte = end;
  diagnostic.range = Range{source_.lines().position(start), source_.lines().position(end)};
  diagnostic.noqa_row = diagnostic.range.start.row;
  if (fix) {
    // Edit positions for JSON / SARIF / LSP; offsets past the end are clamped.
    const auto size = static_cast<std::uint32_t>(source_.text().size());
    for (Edit& edit : fix->edits) {
      edit.end = std::min(edit.end, size);
      edit.start = std::min(edit.start, edit.end);
      edit.range = Range{source_.lines().position(edit.start), source_.lines().position(edit.end)};
    }
  }
  diagnostic.fix = std::move(fix);
  diagnostics_.push_back(std::move(diagnostic));
}

}  // namespace torchlint
