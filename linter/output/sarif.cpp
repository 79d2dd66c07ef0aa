// SARIF 2.1.0 for code scanning (GitHub's upload-sarif and any SARIF viewer). Tests
// validate it against the official schema and with the SARIF multitool, GitHub's
// ingestion rules included.
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "linter/cli/commands.h"
#include "linter/output/emitter.h"
#include "linter/output/line_hash.h"
#include "linter/output/paths.h"
#include "linter/output/sha256.h"
#include "linter/run/rule.h"

namespace torchlint {
namespace {

using Json = nlohmann::ordered_json;

constexpr std::string_view kSchema = "https://json.schemastore.org/sarif-2.1.0.json";
constexpr std::string_view kInformationUri = "https://torchlint.dev";
constexpr std::string_view kSourceRoot = "%SRCROOT%";

// How often a finding of the rule is right, in CodeQL's vocabulary. The meta rules
// report facts about the file; preview rules are the ones still being tuned.
// `automationDetails.id`: code scanning's category ("<category>/"). upload-sarif fills it
// from its `category` input only when the log has none, so a log that always carried
// "torchlint/" would make that input useless; TORCHLINT_SARIF_CATEGORY takes its place
// (several torchlint runs of one repository, e.g. per sub-project, need distinct ones).
std::string automation_id() {
  const char* category = std::getenv("TORCHLINT_SARIF_CATEGORY");
  std::string id = category != nullptr && *category != '\0' ? category : "torchlint";
  if (!id.ends_with('/')) id += '/';
  return id;
}

std::string_view precision_of(const RuleInfo& info) {
  if (info.code.starts_with("TL0")) return "very-high";
  return info.preview ? "medium" : "high";
}

// GitHub's `problem.severity` vocabulary.
std::string_view problem_severity(Level level) {
  switch (level) {
    case Level::Error: return "error";
    case Level::Warning: return "warning";
    case Level::Note: return "recommendation";
  }
  return "warning";
}

std::string_view source_language(const std::string& path) {
  if (path.ends_with(".ipynb")) return "python";
  switch (language_for_path(path)) {
    case Language::Python: return "python";
    case Language::Cpp: return path.ends_with(".cu") || path.ends_with(".cuh") ? "cuda" : "cplusplus";
    case Language::Unknown: break;
  }
  return "python";
}

// The "What it does" section of the rule's docs: the longer description viewers show
// next to the one-line summary.
std::string full_description(const RuleInfo& info) {
  constexpr std::string_view kHeading = "## What it does\n";
  const std::string_view docs = info.docs;
  const auto begin = docs.find(kHeading);
  if (begin == std::string_view::npos) return std::string(info.summary) + ".";
  std::string_view body = docs.substr(begin + kHeading.size());
  body = body.substr(0, body.find("\n## "));
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ')) body.remove_suffix(1);
  return body.empty() ? std::string(info.summary) + "." : std::string(body);
}

Json rule_json(const RuleInfo& info) {
  return {{"id", info.code},
          {"name", info.name},
          {"shortDescription", {{"text", std::string(info.summary) + "."}}},
          {"fullDescription", {{"text", full_description(info)}}},
          {"help", {{"text", std::string(info.summary) + ".\n\n" + std::string(info.docs)},
                    {"markdown", rule_markdown(info)}}},
          {"helpUri", rule_url(info)},
          {"defaultConfiguration", {{"level", level_name(info.level)}}},
          {"properties",
           {{"tags", {"pytorch", info.section}},
            {"precision", precision_of(info)},
            {"problem.severity", problem_severity(info.level)}}}};
}

// Where one file lives in the log: relative to %SRCROOT% when inside the project root,
// an absolute file:// URI otherwise.
struct Artifact {
  std::string display_path;
  Json location;
  std::size_t index = 0;
};

Json artifact_location(const std::string& path, const std::filesystem::path& root) {
  if (auto relative = relative_to_root(path, root)) {
    return {{"uri", uri_escape_path(*relative)}, {"uriBaseId", kSourceRoot}};
  }
  return {{"uri", file_uri(absolute_path(path))}};
}

Json region_json(const Range& range) {
  return {{"startLine", range.start.row},
          {"startColumn", range.start.column},
          {"endLine", range.end.row},
          {"endColumn", range.end.column}};
}

Json fix_json(const Fix& fix, const Artifact& artifact) {
  Json replacements = Json::array();
  for (const auto& edit : fix.edits) {
    replacements.push_back({{"deletedRegion", region_json(edit.range)}, {"insertedContent", {{"text", edit.content}}}});
  }
  Json location = artifact.location;
  location["index"] = artifact.index;
  return {{"description", {{"text", fix.message}}},
          {"artifactChanges", Json::array({{{"artifactLocation", location}, {"replacements", replacements}}})},
          {"properties", {{"applicability", fix.applicability == Applicability::Safe ? "safe" : "unsafe"}}}};
}

class SarifWriter {
 public:
  explicit SarifWriter(const RunReport& report) : report_(report), sources_(report) {}

  Json log() {
    collect_rules_and_artifacts();
    Json results = Json::array();
    for (const auto& d : report_.diagnostics) results.push_back(result_json(d));

    Json rules = Json::array();
    for (const RuleInfo* info : rules_) rules.push_back(rule_json(*info));
    Json run = {{"tool",
                 {{"driver",
                   {{"name", "torchlint"},
                    {"version", TORCHLINT_VERSION},
                    {"semanticVersion", TORCHLINT_VERSION},
                    {"informationUri", kInformationUri},
                    {"rules", rules}}}}},
                {"automationDetails", {{"id", automation_id()}}},
                {"invocations", Json::array({invocation_json()})},
                {"originalUriBaseIds", {{kSourceRoot, {{"uri", file_uri(absolute_path(report_.project_root.string()), true)}}}}},
                {"artifacts", artifacts_json()},
                {"results", results},
                {"columnKind", "unicodeCodePoints"}};
    return {{"$schema", kSchema}, {"version", "2.1.0"}, {"runs", Json::array({run})}};
  }

 private:
  void collect_rules_and_artifacts() {
    std::set<const RuleInfo*, bool (*)(const RuleInfo*, const RuleInfo*)> fired(
        [](const RuleInfo* a, const RuleInfo* b) { return a->code < b->code; });
    for (const auto& d : report_.diagnostics) {
      fired.insert(d.rule);
      if (artifacts_.contains(d.path)) continue;
      Artifact artifact{d.path, artifact_location(d.path, report_.project_root), artifact_order_.size()};
      artifact_order_.push_back(d.path);
      artifacts_.emplace(d.path, std::move(artifact));
    }
    rules_.assign(fired.begin(), fired.end());
    for (std::size_t i = 0; i < rules_.size(); ++i) rule_index_[rules_[i]] = i;
  }

  Json artifacts_json() {
    Json list = Json::array();
    for (const auto& path : artifact_order_) {
      Json entry = {{"location", artifacts_.at(path).location}};
      if (const std::string* text = sources_.text(path); text != nullptr && !text->empty()) {
        entry["length"] = text->size();
        entry["hashes"] = {{"sha-256", sha256_hex(*text)}};
      }
      entry["sourceLanguage"] = source_language(path);
      list.push_back(std::move(entry));
    }
    return list;
  }

  Json invocation_json() const {
    Json invocation = {{"executionSuccessful", report_.execution_successful}};
    if (!report_.notifications.empty()) {
      Json notifications = Json::array();
      for (const auto& text : report_.notifications) {
        notifications.push_back({{"message", {{"text", text}}}, {"level", "warning"}});
      }
      invocation["toolExecutionNotifications"] = notifications;
    }
    return invocation;
  }

  // GitHub's hash of the line the finding starts on, computed over the file as the
  // action would read it from the checkout.
  std::string line_hash(const std::string& path, std::uint32_t row) {
    auto it = line_hashes_.find(path);
    if (it == line_hashes_.end()) {
      const std::string* text = sources_.text(path);
      it = line_hashes_.emplace(path, github_line_hashes(text ? *text : std::string_view())).first;
    }
    const auto& hashes = it->second;
    if (row == 0 || row > hashes.size()) return {};
    return hashes[row - 1];
  }

  Json result_json(const Diagnostic& d) {
    const Artifact& artifact = artifacts_.at(d.path);
    Json location = artifact.location;
    location["index"] = artifact.index;
    // Notebook rows count within a cell; code scanning needs the place in the .ipynb file.
    const Range range = sources_.file_range(d);
    Json physical = {{"artifactLocation", location}, {"region", region_json(range)}};
    Json result = {{"ruleId", d.rule->code},
                   {"ruleIndex", rule_index_.at(d.rule)},
                   {"level", level_name(d.level)},
                   {"message", {{"text", d.message}}},
                   {"locations", Json::array({{{"physicalLocation", physical}}})}};
    if (std::string hash = line_hash(d.path, range.start.row); !hash.empty()) {
      result["partialFingerprints"] = {{"primaryLocationLineHash", hash}};
    }
    // A notebook fix edits cell text, not the JSON that stores it: not expressible here.
    // Display-only fixes are suggestions, never to be applied: SARIF consumers apply `fixes`.
    if (d.fix && !d.fix->edits.empty() && !d.cell && d.fix->applicability != Applicability::DisplayOnly) {
      result["fixes"] = Json::array({fix_json(*d.fix, artifact)});
    }
    if (d.cell) result["properties"] = {{"cell", *d.cell}, {"cellRegion", region_json(d.range)}};
    return result;
  }

  const RunReport& report_;
  SourceLines sources_;
  std::vector<const RuleInfo*> rules_;
  std::map<const RuleInfo*, std::size_t> rule_index_;
  std::map<std::string, Artifact> artifacts_;
  std::vector<std::string> artifact_order_;
  std::map<std::string, std::vector<std::string>> line_hashes_;
};

}  // namespace

void emit_sarif(const RunReport& report, std::ostream& out) {
  SarifWriter writer(report);
  out << writer.log().dump(2) << "\n";
}

}  // namespace torchlint
