// GitLab Code Quality report (a Code Climate subset): what a `codequality` artifact holds.
#include <map>
#include <nlohmann/json.hpp>

#include "linter/output/emitter.h"
#include "linter/output/paths.h"
#include "linter/output/sha256.h"
#include "linter/run/rule.h"

namespace torchlint {
namespace {

using Json = nlohmann::ordered_json;

std::string_view gitlab_severity(Level level) {
  switch (level) {
    case Level::Error: return "major";
    case Level::Warning: return "minor";
    case Level::Note: return "info";
  }
  return "minor";
}

std::string without_whitespace(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out += c;
  }
  return out;
}

}  // namespace

void emit_gitlab(const RunReport& report, std::ostream& out) {
  SourceLines sources(report);
  // GitLab matches findings between pipelines by fingerprint. It must survive lines
  // being inserted or removed elsewhere, so it hashes what the finding is about (file,
  // rule, message, the text of its line without whitespace) and not where it is; the
  // n-th identical finding of a file gets n mixed in so that duplicates stay distinct.
  std::map<std::string, int> occurrences;
  Json issues = Json::array();
  for (const auto& d : report.diagnostics) {
    const std::string path = relative_to_root(d.path, report.project_root).value_or(absolute_path(d.path));
    std::string key = path;
    key += '\0';
    key += d.rule->code;
    key += '\0';
    key += d.message;
    key += '\0';
    if (d.cell) key += "cell " + std::to_string(*d.cell);
    key += '\0';
    key += without_whitespace(sources.line(d, d.range.start.row));
    const int occurrence = ++occurrences[key];
    const Range range = sources.file_range(d);  // notebooks: the place in the .ipynb file
    key += '\0' + std::to_string(occurrence);

    Json issue = {{"type", "issue"},
                  {"check_name", d.rule->code},
                  {"description", std::string(d.rule->code) + " " + d.message},
                  {"categories", {"Style"}},
                  {"severity", gitlab_severity(d.level)},
                  {"fingerprint", sha256_hex(key)},
                  {"location",
                   {{"path", path},
                    {"positions",
                     {{"begin", {{"line", range.start.row}, {"column", range.start.column}}},
                      {"end", {{"line", range.end.row}, {"column", range.end.column}}}}}}}};
    issues.push_back(std::move(issue));
  }
  out << issues.dump(2) << "\n";
}

}  // namespace torchlint
