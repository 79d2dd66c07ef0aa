#include "linter/config/config_loader.h"

#include <toml++/toml.h>

#include <algorithm>
#include <set>

#include "linter/run/rule.h"

namespace torchlint {
namespace fs = std::filesystem;

namespace {

constexpr const char* kConfigNames[] = {".torchlint.toml", "torchlint.toml", "pyproject.toml"};

int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

class TableReader {
 public:
  TableReader(const toml::table& table, fs::path file, std::string prefix)
      : table_(table), file_(std::move(file)), prefix_(std::move(prefix)) {}

  [[noreturn]] void fail(const toml::node& node, const std::string& key, const std::string& message) const {
    throw ConfigError(file_, line_of(node), prefix_ + key, message);
  }

  void check_keys(std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, value] : table_) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        fail(value, std::string(key.str()), "unknown key");
      }
    }
  }

  void read_bool(std::string_view key, bool& out) const {
    if (const toml::node* node = table_.get(key)) {
      if (!node->is_boolean()) fail(*node, std::string(key), "expected a boolean");
      out = node->as_boolean()->get();
    }
  }

  void read_int(std::string_view key, int& out, int minimum) const {
    if (const toml::node* node = table_.get(key)) {
      if (!node->is_integer()) fail(*node, std::string(key), "expected an integer");
      const auto value = node->as_integer()->get();
      if (value < minimum || value > 1'000'000) fail(*node, std::string(key), "out of range");
      out = static_cast<int>(value);
    }
  }

  bool read_string(std::string_view key, std::optional<std::string>& out) const {
    if (const toml::node* node = table_.get(key)) {
      if (!node->is_string()) fail(*node, std::string(key), "expected a string");
      out = node->as_string()->get();
      return true;
    }
    return false;
  }

  bool read_strings(std::string_view key, std::vector<std::string>& out) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return false;
    if (!node->is_array()) fail(*node, std::string(key), "expected an array of strings");
    out.clear();
    for (const auto& element : *node->as_array()) {
      if (!element.is_string()) fail(element, std::string(key), "expected an array of strings");
      out.push_back(element.as_string()->get());
    }
    return true;
  }

  void read_codes(std::string_view key, std::vector<std::string>& out) const {
    if (read_strings(key, out)) validate_code_patterns(out, file_, line_of(*table_.get(key)), prefix_ + std::string(key));
  }

  const toml::table* subtable(std::string_view key) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr) return nullptr;
    if (!node->is_table()) fail(*node, std::string(key), "expected a table");
    return node->as_table();
  }

  [[nodiscard]] const fs::path& file() const { return file_; }
  [[nodiscard]] const std::string& prefix() const { return prefix_; }

 private:
  const toml::table& table_;
  fs::path file_;
  std::string prefix_;
};

Settings read_settings(const toml::table& table, const fs::path& file, const std::string& prefix) {
  Settings settings;
  TableReader reader(table, file, prefix);
  reader.check_keys({"select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude",
                     "respect-gitignore", "src", "preview", "fail-on", "cache-dir", "baseline", "compile-commands",
                     "inplace", "structure", "annotations", "testing", "cpp"});
  reader.read_codes("select", settings.selection.select);
  reader.read_codes("extend-select", settings.selection.extend_select);
  reader.read_codes("ignore", settings.selection.ignore);
  reader.read_bool("preview", settings.selection.preview);
  reader.read_strings("exclude", settings.exclude);
  reader.read_strings("extend-exclude", settings.extend_exclude);
  reader.read_bool("respect-gitignore", settings.respect_gitignore);
  reader.read_strings("src", settings.src);
  std::optional<std::string> fail_on;
  if (reader.read_string("fail-on", fail_on)) {
    auto level = parse_level(*fail_on);
    if (!level) reader.fail(*table.get("fail-on"), "fail-on", "expected \"error\", \"warning\" or \"note\"");
    settings.fail_on = *level;
  }
  reader.read_string("cache-dir", settings.cache_dir);
  reader.read_string("baseline", settings.baseline);
  reader.read_string("compile-commands", settings.compile_commands);
  if (const toml::table* ignores = reader.subtable("per-file-ignores")) {
    for (const auto& [glob, codes] : *ignores) {
      TableReader entry(*ignores, file, prefix + "per-file-ignores.");
      std::vector<std::string> list;
      entry.read_codes(glob.str(), list);
      settings.per_file_ignores.emplace_back(std::string(glob.str()), std::move(list));
    }
  }
  if (const toml::table* inplace = reader.subtable("inplace")) {
    TableReader sub(*inplace, file, prefix + "inplace.");
    sub.check_keys({"extend-allow"});
    sub.read_strings("extend-allow", settings.inplace_extend_allow);
  }
  if (const toml::table* structure = reader.subtable("structure")) {
    TableReader sub(*structure, file, prefix + "structure.");
    sub.check_keys({"max-statements", "max-complexity"});
    sub.read_int("max-statements", settings.max_statements, 1);
    sub.read_int("max-complexity", settings.max_complexity, 1);
  }
  if (const toml::table* annotations = reader.subtable("annotations")) {
    TableReader sub(*annotations, file, prefix + "annotations.");
    sub.check_keys({"ignore-fully-untyped"});
    sub.read_bool("ignore-fully-untyped", settings.ignore_fully_untyped);
  }
  if (const toml::table* testing = reader.subtable("testing")) {
    TableReader sub(*testing, file, prefix + "testing.");
    sub.check_keys({"test-patterns", "required-dtypes"});
    sub.read_strings("test-patterns", settings.test_patterns);
    sub.read_strings("required-dtypes", settings.required_dtypes);
  }
  if (const toml::table* cpp = reader.subtable("cpp")) {
    TableReader sub(*cpp, file, prefix + "cpp.");
    sub.check_keys({"attribute-macros"});
    sub.read_strings("attribute-macros", settings.attribute_macros);
  }
  settings.config_file = file;
  settings.root = file.parent_path();
  return settings;
}

// A pyproject.toml that is not valid TOML is a configuration error (exit 2) rather than
// "no [tool.torchlint] here": skipping it would silently lint with other settings.
bool has_tool_table(const fs::path& pyproject) {
  try {
    toml::table table = toml::parse_file(pyproject.string());
    return table["tool"]["torchlint"].is_table();
  } catch (const toml::parse_error& error) {
    throw ConfigError(pyproject, static_cast<int>(error.source().begin.line), "(syntax)",
                      std::string("invalid TOML: ") + std::string(error.description()));
  }
}

}  // namespace

ConfigError::ConfigError(const fs::path& file, int line, const std::string& key, const std::string& message)
    : std::runtime_error(file.string() + (line > 0 ? ":" + std::to_string(line) : std::string()) + ": `" + key +
                         "`: " + message) {}

void validate_code_patterns(const std::vector<std::string>& patterns, const fs::path& file, int line,
                            const std::string& key) {
  for (const auto& pattern : patterns) {
    if (!is_known_code_pattern(pattern)) throw ConfigError(file, line, key, "unknown rule code `" + pattern + "`");
  }
}

std::optional<Settings> load_config_file(const fs::path& file) {
  toml::table table;
  try {
    table = toml::parse_file(file.string());
  } catch (const toml::parse_error& error) {
    throw ConfigError(file, static_cast<int>(error.source().begin.line), "(syntax)",
                      std::string("invalid TOML: ") + std::string(error.description()));
  }
  fs::path absolute = fs::absolute(file).lexically_normal();
  if (file.filename() == "pyproject.toml") {
    const toml::node* tool = table.get("tool");
    if (tool == nullptr || !tool->is_table()) return std::nullopt;
    const toml::node* section = tool->as_table()->get("torchlint");
    if (section == nullptr) return std::nullopt;
    if (!section->is_table()) throw ConfigError(file, line_of(*section), "tool.torchlint", "expected a table");
    return read_settings(*section->as_table(), absolute, "tool.torchlint.");
  }
  return read_settings(table, absolute, "");
}

ConfigResolver::ConfigResolver(CliOverrides overrides, std::optional<fs::path> config_file, bool isolated)
    : overrides_(std::move(overrides)), isolated_(isolated) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (config_file) {
    if (!fs::exists(*config_file, ec)) throw ConfigError(*config_file, 0, "--config", "file not found");
    auto settings = load_config_file(*config_file);
    if (!settings) {
      settings = Settings();
      settings->config_file = fs::absolute(*config_file).lexically_normal();
      settings->root = settings->config_file.parent_path();
    }
    project_root_ = settings->root;
    fixed_ = finish(std::move(*settings));
  } else if (isolated) {
    Settings settings;
    settings.root = cwd;
    project_root_ = cwd;
    fixed_ = finish(std::move(settings));
  } else {
    auto governing = resolve_directory(cwd);
    project_root_ = governing->settings.config_file.empty() ? cwd : governing->settings.root;
  }
}

std::shared_ptr<const ResolvedSettings> ConfigResolver::finish(Settings settings) {
  if (overrides_.select) settings.selection.select = *overrides_.select;
  auto append = [](std::vector<std::string>& to, const std::vector<std::string>& from) {
    to.insert(to.end(), from.begin(), from.end());
  };
  append(settings.selection.extend_select, overrides_.extend_select);
  append(settings.selection.ignore, overrides_.ignore);
  append(settings.extend_exclude, overrides_.extend_exclude);
  if (overrides_.preview) settings.selection.preview = *overrides_.preview;
  if (overrides_.fail_on) settings.fail_on = *overrides_.fail_on;
  if (overrides_.cache_dir) settings.cache_dir = overrides_.cache_dir;
  if (overrides_.baseline) settings.baseline = overrides_.baseline;
  if (overrides_.compile_commands) settings.compile_commands = overrides_.compile_commands;
  if (overrides_.respect_gitignore) settings.respect_gitignore = *overrides_.respect_gitignore;
  if (overrides_.file_timeout) settings.file_timeout = *overrides_.file_timeout;
  if (settings.root.empty()) {
    std::error_code ec;
    settings.root = fs::current_path(ec);
  }
  return std::make_shared<const ResolvedSettings>(std::move(settings));
}

std::shared_ptr<const ResolvedSettings> ConfigResolver::for_path(const fs::path& path) {
  if (fixed_) return fixed_;
  std::error_code ec;
  fs::path absolute = fs::absolute(path, ec).lexically_normal();
  fs::path directory = fs::is_directory(absolute, ec) ? absolute : absolute.parent_path();
  return resolve_directory(directory);
}

std::shared_ptr<const ResolvedSettings> ConfigResolver::resolve_directory(const fs::path& start) {
  std::lock_guard lock(mutex_);
  std::vector<fs::path> visited;
  std::shared_ptr<const ResolvedSettings> found;
  std::error_code ec;
  for (fs::path directory = start;; directory = directory.parent_path()) {
    if (auto it = by_directory_.find(directory); it != by_directory_.end()) {
      found = it->second;
      break;
    }
    visited.push_back(directory);
    for (const char* name : kConfigNames) {
      const fs::path candidate = directory / name;
      if (!fs::is_regular_file(candidate, ec)) continue;
      if (std::string_view(name) == "pyproject.toml" && !has_tool_table(candidate)) continue;
      if (auto it = by_config_file_.find(candidate); it != by_config_file_.end()) {
        found = it->second;
      } else {
        auto settings = load_config_file(candidate);  // throws ConfigError
        if (!settings) continue;
        found = finish(std::move(*settings));
        by_config_file_[candidate] = found;
      }
      break;
    }
    if (found || !directory.has_parent_path() || directory.parent_path() == directory) break;
  }
  if (!found) found = finish(Settings());
  for (const auto& directory : visited) by_directory_[directory] = found;
  return found;
}

}  // namespace torchlint
