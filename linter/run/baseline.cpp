#include "linter/run/baseline.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <sstream>

#include "linter/config/settings.h"
#include "linter/output/paths.h"
#include "linter/output/sha256.h"
#include "linter/parse/parser.h"
#include "linter/parse/walk.h"
#include "linter/run/rule.h"
#include "linter/semantic/cpp_preprocess.h"

namespace torchlint {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr std::size_t kTextLimit = 120;  // bytes of the informative `text`

bool is_type(TSNode node, const char* type) { return std::strcmp(ts_node_type(node), type) == 0; }

// The name a C++ function declarator declares: `f`, `Net::forward`, `~Net`, `operator()`.
std::string_view cpp_declarator_name(TSNode declarator, std::string_view text) {
  for (int guard = 0; guard < 16 && !ts_node_is_null(declarator); ++guard) {
    if (is_type(declarator, "function_declarator") || is_type(declarator, "pointer_declarator") ||
        is_type(declarator, "reference_declarator") || is_type(declarator, "parenthesized_declarator")) {
      TSNode inner = field_child(declarator, "declarator");
      if (ts_node_is_null(inner) && ts_node_named_child_count(declarator) > 0) {
        inner = ts_node_named_child(declarator, ts_node_named_child_count(declarator) - 1);
      }
      declarator = inner;
      continue;
    }
    return node_text(declarator, text);
  }
  return {};
}

// Enclosing definitions of byte `at`, outermost first, joined with '.'.
std::string scope_of(TSNode root, std::uint32_t at, Language language, std::string_view text) {
  std::vector<std::string> names;
  for (TSNode node = ts_node_descendant_for_byte_range(root, at, at); !ts_node_is_null(node);
       node = ts_node_parent(node)) {
    std::string_view name;
    if (language == Language::Python) {
      if (is_type(node, "function_definition") || is_type(node, "class_definition")) {
        name = node_text(field_child(node, "name"), text);
      }
    } else if (is_type(node, "function_definition")) {
      name = cpp_declarator_name(field_child(node, "declarator"), text);
    } else if (is_type(node, "class_specifier") || is_type(node, "struct_specifier") ||
               is_type(node, "namespace_definition")) {
      TSNode name_node = field_child(node, "name");
      name = ts_node_is_null(name_node) ? std::string_view("(anonymous)") : node_text(name_node, text);
    }
    if (!name.empty()) names.emplace_back(name);
  }
  std::string scope;
  for (auto it = names.rbegin(); it != names.rend(); ++it) scope += (scope.empty() ? "" : ".") + *it;
  return scope;
}

std::string baseline_path(const std::string& path, const fs::path& root) {
  if (auto relative = relative_to_root(path, root)) return *relative;
  std::error_code ec;
  return fs::absolute(path, ec).lexically_normal().generic_string();
}

}  // namespace

std::string normalize_whitespace(std::string_view line) {
  if (line.starts_with("\xEF\xBB\xBF")) line.remove_prefix(3);
  std::string out;
  bool blank = false;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

std::vector<BaselineEntry> baseline_entries(const RunReport& report) {
  std::vector<BaselineEntry> entries;
  entries.reserve(report.diagnostics.size());
  SourceLines sources(report);
  // One parse per file, for the scopes.
  struct Parsed {
    Tree tree;
    std::string recovered;
    Language language = Language::Unknown;
  };
  std::map<std::string, Parsed> parsed;
  Settings defaults;
  for (const Diagnostic& d : report.diagnostics) {
    BaselineEntry entry;
    entry.key.path = baseline_path(d.path, report.project_root);
    entry.key.code = std::string(d.rule->code);
    const std::string text = normalize_whitespace(sources.line(d, d.range.start.row));
    if (!d.cell) {
      auto it = parsed.find(d.path);
      if (it == parsed.end()) {
        Parsed p;
        p.language = language_for_path(d.path);
        if (p.language == Language::Unknown) p.language = Language::Python;
        if (const std::string* content = sources.text(d.path); content != nullptr && !content->empty()) {
          if (p.language == Language::Cpp) p.recovered = recover_cpp_source(*content, defaults.attribute_macros);
          p.tree = parse(p.language, p.language == Language::Cpp ? std::string_view(p.recovered) : std::string_view(*content));
        }
        it = parsed.emplace(d.path, std::move(p)).first;
      }
      if (it->second.tree) {
        const std::string* content = sources.text(d.path);
        const std::string_view source = it->second.language == Language::Cpp ? std::string_view(it->second.recovered)
                                                                              : std::string_view(*content);
        if (d.start_byte <= source.size()) {
          entry.scope = scope_of(ts_tree_root_node(it->second.tree.get()), d.start_byte, it->second.language, source);
        }
      }
    }
    entry.key.fingerprint = sha256_hex(entry.scope + "\n" + text).substr(0, 16);
    std::size_t cut = std::min(text.size(), kTextLimit);
    while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
    entry.text = text.substr(0, cut);  // whole UTF-8 characters
    entry.count = 1;
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::string format_baseline(const std::vector<BaselineEntry>& entries) {
  std::map<BaselineKey, BaselineEntry> merged;
  for (const auto& entry : entries) {
    auto [it, inserted] = merged.try_emplace(entry.key, entry);
    if (!inserted) it->second.count += entry.count;
  }
  std::string out = Json{{"torchlint-baseline", 1}}.dump() + "\n";
  for (const auto& [key, entry] : merged) {
    Json line = {{"path", key.path},     {"code", key.code},   {"fingerprint", key.fingerprint},
                 {"count", entry.count}, {"scope", entry.scope}, {"text", entry.text}};
    out += line.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
  }
  return out;
}

std::optional<std::map<BaselineKey, std::size_t>> parse_baseline(std::string_view text, std::string& error) {
  std::map<BaselineKey, std::size_t> baseline;
  std::istringstream stream{std::string(text)};
  std::string line;
  std::size_t number = 0;
  while (std::getline(stream, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const Json object = Json::parse(line, nullptr, false);
    if (object.is_discarded() || !object.is_object()) {
      error = "line " + std::to_string(number) + ": not a JSON object";
      return std::nullopt;
    }
    if (object.contains("torchlint-baseline")) {
      if (object["torchlint-baseline"] != 1) {
        error = "line " + std::to_string(number) + ": unsupported baseline version";
        return std::nullopt;
      }
      continue;
    }
    const auto field = [&](const char* name) -> const Json* {
      auto it = object.find(name);
      return it == object.end() ? nullptr : &*it;
    };
    const Json* path = field("path");
    const Json* code = field("code");
    const Json* fingerprint = field("fingerprint");
    const Json* count = field("count");
    if (path == nullptr || code == nullptr || fingerprint == nullptr || !path->is_string() || !code->is_string() ||
        !fingerprint->is_string() || (count != nullptr && !count->is_number_unsigned())) {
      error = "line " + std::to_string(number) + ": needs string `path`, `code`, `fingerprint` and a count";
      return std::nullopt;
    }
    BaselineKey key{path->get<std::string>(), code->get<std::string>(), fingerprint->get<std::string>()};
    baseline[key] += count != nullptr ? count->get<std::size_t>() : 1;
  }
  return baseline;
}

BaselineFilter apply_baseline(RunReport& report, const std::map<BaselineKey, std::size_t>& baseline) {
  BaselineFilter filter;
  const std::vector<BaselineEntry> entries = baseline_entries(report);
  std::map<BaselineKey, std::size_t> seen;
  std::vector<Diagnostic> kept;
  kept.reserve(report.diagnostics.size());
  for (std::size_t i = 0; i < report.diagnostics.size(); ++i) {
    const BaselineKey& key = entries[i].key;
    const auto it = baseline.find(key);
    const std::size_t allowed = it == baseline.end() ? 0 : it->second;
    if (seen[key]++ < allowed) {
      ++filter.matched;
      continue;
    }
    kept.push_back(std::move(report.diagnostics[i]));
  }
  for (const auto& [key, count] : baseline) {
    const auto it = seen.find(key);
    const std::size_t used = it == seen.end() ? 0 : std::min(it->second, count);
    filter.stale += count - used;
  }
  report.diagnostics = std::move(kept);
  return filter;
}

}  // namespace torchlint
