// Ruff-compatible JSON (`--output-format json`) and JSON lines.
#include <nlohmann/json.hpp>

#include "linter/output/emitter.h"
#include "linter/run/rule.h"

namespace torchlint {
namespace {

nlohmann::ordered_json location(const Position& position) {
  return {{"column", position.column}, {"row", position.row}};
}

nlohmann::ordered_json fix_json(const Diagnostic& d) {
  if (!d.fix) return nullptr;
  nlohmann::ordered_json edits = nlohmann::ordered_json::array();
  for (const auto& edit : d.fix->edits) {
    edits.push_back({{"content", edit.content}, {"end_location", location(edit.range.end)},
                     {"location", location(edit.range.start)}});
  }
  std::string_view applicability = d.fix->applicability == Applicability::Safe     ? "safe"
                                   : d.fix->applicability == Applicability::Unsafe ? "unsafe"
                                                                                    : "display-only";
  return {{"applicability", applicability}, {"edits", edits}, {"message", d.fix->message}};
}

}  // namespace

nlohmann::ordered_json diagnostic_json(const Diagnostic& d) {
  // Keys in alphabetical order, exactly Ruff's schema.
  return {{"cell", d.cell ? nlohmann::ordered_json(*d.cell) : nlohmann::ordered_json(nullptr)},
          {"code", d.rule->code},
          {"end_location", location(d.range.end)},
          {"filename", absolute_path(d.path)},
          {"fix", fix_json(d)},
          {"location", location(d.range.start)},
          {"message", d.message},
          {"name", d.rule->name},
          {"noqa_row", d.noqa_row},
          {"severity", level_name(d.level)},
          {"url", rule_url(*d.rule)}};
}

void emit_json(const RunReport& report, std::ostream& out, bool lines) {
  if (lines) {
    for (const auto& d : report.diagnostics) out << diagnostic_json(d).dump() << "\n";
    return;
  }
  nlohmann::ordered_json array = nlohmann::ordered_json::array();
  for (const auto& d : report.diagnostics) array.push_back(diagnostic_json(d));
  out << array.dump(2) << "\n";
}

}  // namespace torchlint
