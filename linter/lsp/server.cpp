#include "linter/lsp/server.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>

#include "linter/lsp/suppression_edit.h"
#include "linter/run/fixer.h"
#include "linter/run/lint_file.h"
#include "linter/run/rule.h"

namespace torchlint::lsp {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A handler's complaint about its params: answered with InvalidParams.
struct InvalidParams : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct MethodNotFound : std::runtime_error {
  using std::runtime_error::runtime_error;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int severity(Level level) {
  switch (level) {
    case Level::Error: return 1;
    case Level::Warning: return 2;
    case Level::Note: return 3;  // Information: SARIF's "note"
  }
  return 2;
}

Language language_of(const std::string& path, const std::string& language_id) {
  const Language by_path = language_for_path(path);
  if (by_path != Language::Unknown) return by_path;
  if (language_id == "python") return Language::Python;
  if (language_id == "cpp" || language_id == "c" || language_id == "cuda" || language_id == "cuda-cpp") {
    return Language::Cpp;
  }
  return Language::Unknown;
}

bool contains_string(const json& array, std::string_view value) {
  if (!array.is_array()) return false;
  return std::any_of(array.begin(), array.end(), [&](const json& item) { return item.is_string() && item == value; });
}

// `object[key]` when `object` is an object that has it, else null (never throws).
const json& member(const json& object, const char* key) {
  static const json null;
  if (!object.is_object()) return null;
  const auto it = object.find(key);
  return it == object.end() ? null : *it;
}

bool is_config_file(const std::string& path) {
  const std::string name = fs::path(path).filename().string();
  return name == "torchlint.toml" || name == ".torchlint.toml" || name == "pyproject.toml";
}

}  // namespace

std::string uri_to_path(const std::string& uri) {
  if (!uri.starts_with("file://")) return uri;
  std::string rest = uri.substr(7);
  if (rest.starts_with("localhost/")) rest = rest.substr(9);
  std::string path;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '%' && i + 2 < rest.size() && hex_value(rest[i + 1]) >= 0 && hex_value(rest[i + 2]) >= 0) {
      path += static_cast<char>(hex_value(rest[i + 1]) * 16 + hex_value(rest[i + 2]));
      i += 2;
    } else {
      path += rest[i];
    }
  }
  return path;
}

Server::Server(ServerOptions options, Sink sink) : options_(std::move(options)), sink_(std::move(sink)) {}

// ---- messages -----------------------------------------------------------------------

void Server::handle(const Frame& frame) {
  if (!frame.error.empty()) {
    respond_error(nullptr, kParseError, "Parse error: " + frame.error);
    return;
  }
  json message;
  try {
    message = json::parse(frame.body);
  } catch (const json::exception& e) {
    respond_error(nullptr, kParseError, std::string("Parse error: ") + e.what());
    return;
  }
  dispatch(message);
}

void Server::dispatch(const json& message) {
  if (!message.is_object()) {
    respond_error(nullptr, kInvalidRequest, "Invalid Request: a message must be a JSON object");
    return;
  }
  const json& id = member(message, "id");
  const bool has_id = message.contains("id");
  const bool valid_id = id.is_string() || id.is_number_integer() || (has_id && id.is_null());
  const json reply_id = valid_id ? id : json(nullptr);
  if (member(message, "jsonrpc") != "2.0") {
    respond_error(reply_id, kInvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
    return;
  }
  if (has_id && !valid_id) {
    respond_error(nullptr, kInvalidRequest, "Invalid Request: \"id\" must be a string or an integer");
    return;
  }
  const json& method = member(message, "method");
  if (method.is_null() && has_id && (message.contains("result") || message.contains("error"))) {
    return;  // the client's answer to one of our requests (registerCapability): nothing to do
  }
  if (!method.is_string()) {
    respond_error(reply_id, kInvalidRequest, "Invalid Request: \"method\" must be a string");
    return;
  }
  const json& params = member(message, "params");
  if (!params.is_null() && !params.is_object() && !params.is_array()) {
    respond_error(reply_id, kInvalidRequest, "Invalid Request: \"params\" must be an object or an array");
    return;
  }
  const std::string name = method.get<std::string>();
  if (!has_id) {
    try {
      notification(name, params);
    } catch (const std::exception& e) {
      // A notification has no answer; say it on stderr (the client's log) and go on.
      std::cerr << "torchlint server: " << name << ": " << e.what() << "\n";
    }
    return;
  }
  if (!initialized_ && name != "initialize") {
    respond_error(id, kServerNotInitialized, "the server is not initialized");
    return;
  }
  if (shutdown_) {
    respond_error(id, kInvalidRequest, "the server is shutting down");
    return;
  }
  try {
    respond(id, request(name, params));
  } catch (const MethodNotFound& e) {
    respond_error(id, kMethodNotFound, e.what());
  } catch (const InvalidParams& e) {
    respond_error(id, kInvalidParams, std::string("Invalid params: ") + e.what());
  } catch (const json::exception& e) {
    respond_error(id, kInvalidParams, std::string("Invalid params: ") + e.what());
  } catch (const std::exception& e) {
    respond_error(id, kInternalError, std::string("Internal error: ") + e.what());
  }
}

json Server::request(const std::string& method, const json& params) {
  if (method == "initialize") {
    if (initialized_) throw InvalidParams("initialize was already sent");
    return initialize(params);
  }
  if (method == "shutdown") {
    shutdown_ = true;
    return nullptr;
  }
  if (method == "textDocument/codeAction") return code_action(params);
  if (method == "textDocument/diagnostic") return pull_diagnostics(params);
  throw MethodNotFound("Method not found: " + method);
}

void Server::notification(const std::string& method, const json& params) {
  if (method == "exit") {
    exited_ = true;
    return;
  }
  if (!initialized_ || shutdown_) return;  // the spec: drop notifications until initialized
  if (method == "initialized") initialized();
  else if (method == "textDocument/didOpen") did_open(params);
  else if (method == "textDocument/didChange") did_change(params);
  else if (method == "textDocument/didSave") did_save(params);
  else if (method == "textDocument/didClose") did_close(params);
  else if (method == "workspace/didChangeConfiguration") did_change_configuration(params);
  else if (method == "workspace/didChangeWatchedFiles") relint_all();
  // Other notifications ($/cancelRequest, $/setTrace, ...) need nothing from us.
}

// ---- lifecycle ----------------------------------------------------------------------

json Server::initialize(const json& params) {
  const json& capabilities = member(params, "capabilities");
  // LSP 3.17 general.positionEncodings; clangd's offsetEncoding extension for older clients.
  const json& offered = member(member(capabilities, "general"), "positionEncodings");
  const json& clangd_offered = member(capabilities, "offsetEncoding");
  if (contains_string(offered, "utf-8") || contains_string(clangd_offered, "utf-8")) encoding_ = PositionEncoding::Utf8;
  const std::string encoding_name = encoding_ == PositionEncoding::Utf8 ? "utf-8" : "utf-16";

  // A client that pulls would show pushed diagnostics a second time.
  push_diagnostics_ = !member(member(capabilities, "textDocument"), "diagnostic").is_object();
  watch_registration_ =
      member(member(member(capabilities, "workspace"), "didChangeWatchedFiles"), "dynamicRegistration") == true;

  const json& options = member(params, "initializationOptions");
  if (const json& debounce = member(options, "debounceMs"); debounce.is_number()) {
    options_.debounce_ms = std::max(0, debounce.get<int>());
  }
  unsafe_fixes_ = member(options, "unsafeFixes") == true;

  // The project root is the workspace folder (catalog). Settings default their root to the
  // current directory, so the server works from the root.
  const json& folders = member(params, "workspaceFolders");
  if (folders.is_array() && !folders.empty() && member(folders[0], "uri").is_string()) {
    root_ = uri_to_path(folders[0]["uri"].get<std::string>());
  } else if (const json& root_uri = member(params, "rootUri"); root_uri.is_string()) {
    root_ = uri_to_path(root_uri.get<std::string>());
  } else if (const json& root_path = member(params, "rootPath"); root_path.is_string()) {
    root_ = root_path.get<std::string>();
  }
  std::error_code ec;
  if (!root_.empty() && fs::is_directory(root_, ec)) fs::current_path(root_, ec);
  if (root_.empty() || ec) root_ = fs::current_path(ec).string();

  initialized_ = true;
  json result = {
      {"capabilities",
       {{"positionEncoding", encoding_name},
        {"textDocumentSync", {{"openClose", true}, {"change", 2}, {"save", {{"includeText", false}}}}},
        {"codeActionProvider", {{"codeActionKinds", {"quickfix", "source.fixAll.torchlint"}}}},
        {"diagnosticProvider",
         {{"identifier", "torchlint"}, {"interFileDependencies", false}, {"workspaceDiagnostics", false}}}}},
      {"serverInfo", {{"name", "torchlint"}, {"version", TORCHLINT_VERSION}}}};
  if (clangd_offered.is_array()) result["offsetEncoding"] = encoding_name;
  return result;
}

void Server::initialized() {
  if (!watch_registration_) return;
  // Configuration edits re-lint open documents; the client watches the files for us.
  json watchers = json::array();
  for (const char* glob : {"**/torchlint.toml", "**/.torchlint.toml", "**/pyproject.toml"}) {
    watchers.push_back({{"globPattern", glob}});
  }
  send({{"jsonrpc", "2.0"},
        {"id", "torchlint/" + std::to_string(next_request_id_++)},
        {"method", "client/registerCapability"},
        {"params",
         {{"registrations",
           {{{"id", "torchlint-config"},
             {"method", "workspace/didChangeWatchedFiles"},
             {"registerOptions", {{"watchers", watchers}}}}}}}}});
}

void Server::did_change_configuration(const json& params) {
  const json& settings = member(member(params, "settings"), "torchlint");
  if (const json& debounce = member(settings, "debounceMs"); debounce.is_number()) {
    options_.debounce_ms = std::max(0, debounce.get<int>());
  }
  relint_all();
}

void Server::relint_all() {
  resolver_.reset();
  for (auto& [uri, open] : documents_) lint(open);
}

// ---- documents ----------------------------------------------------------------------

Server::OpenDocument* Server::find(const std::string& uri) {
  const auto it = documents_.find(uri);
  return it == documents_.end() ? nullptr : &it->second;
}

Server::OpenDocument& Server::require(const json& params) {
  const std::string uri = params.at("textDocument").at("uri").get<std::string>();
  OpenDocument* open = find(uri);
  if (open == nullptr) throw InvalidParams("document not open: " + uri);
  return *open;
}

void Server::did_open(const json& params) {
  const json& item = params.at("textDocument");
  const std::string uri = item.at("uri").get<std::string>();
  std::string path = uri_to_path(uri);
  if (!uri.starts_with("file://")) path = (fs::path(root_) / fs::path(path).filename()).string();
  const Language language = language_of(path, member(item, "languageId").is_string() ? item["languageId"].get<std::string>() : "");
  TextDocument document(uri, path, language, member(item, "version").is_number() ? item["version"].get<std::int64_t>() : 0,
                        item.at("text").get<std::string>());
  documents_.erase(uri);
  auto [it, inserted] = documents_.emplace(uri, OpenDocument(std::move(document)));
  resolver_.reset();  // pick up configuration edited while no document was open
  lint(it->second);
}

void Server::did_change(const json& params) {
  OpenDocument& open = require(params);
  for (const json& change : params.at("contentChanges")) {
    const std::string& text = change.at("text").get_ref<const std::string&>();
    const json& range = member(change, "range");
    if (range.is_null()) {
      open.document.set_text(text);
      continue;
    }
    const LspPosition start{range.at("start").at("line").get<std::uint32_t>(),
                            range.at("start").at("character").get<std::uint32_t>()};
    const LspPosition end{range.at("end").at("line").get<std::uint32_t>(),
                          range.at("end").at("character").get<std::uint32_t>()};
    open.document.apply_change(start, end, text, encoding_);
  }
  const json& version = member(params.at("textDocument"), "version");
  if (version.is_number()) open.document.set_version(version.get<std::int64_t>());
  open.due = Clock::now() + std::chrono::milliseconds(options_.debounce_ms);
}

void Server::did_save(const json& params) {
  OpenDocument& open = require(params);
  if (const json& text = member(params, "text"); text.is_string()) open.document.set_text(text.get<std::string>());
  resolver_.reset();  // a save is when configuration edits are expected to take effect
  if (is_config_file(open.document.path())) {
    relint_all();
    return;
  }
  lint(open);
}

void Server::did_close(const json& params) {
  const std::string uri = params.at("textDocument").at("uri").get<std::string>();
  if (documents_.erase(uri) != 0 && push_diagnostics_) {
    send({{"jsonrpc", "2.0"},
          {"method", "textDocument/publishDiagnostics"},
          {"params", {{"uri", uri}, {"diagnostics", json::array()}}}});
  }
}

// ---- linting ------------------------------------------------------------------------

std::optional<Clock::time_point> Server::next_due() const {
  std::optional<Clock::time_point> next;
  for (const auto& [uri, open] : documents_) {
    if (open.due && (!next || *open.due < *next)) next = open.due;
  }
  return next;
}

void Server::run_due(Clock::time_point now) {
  for (auto& [uri, open] : documents_) {
    if (open.due && *open.due <= now) lint(open);
  }
}

void Server::flush(OpenDocument& open) {
  if (open.due) lint(open);
}

std::shared_ptr<const ResolvedSettings> Server::settings_for(const std::string& path) {
  if (!resolver_) {
    std::optional<fs::path> config;
    if (options_.config) config = *options_.config;
    resolver_ = std::make_unique<ConfigResolver>(options_.overrides, config, options_.isolated);
  }
  return resolver_->for_path(path);
}

void Server::lint(OpenDocument& open) {
  open.due.reset();
  TextDocument& document = open.document;
  std::vector<Diagnostic> diagnostics;
  if (document.language() != Language::Unknown) {
    try {
      const auto resolved = settings_for(document.path());
      SourceFile file(document.path(), document.text(), document.language());
      // C++ is parsed from its macro-recovered text (lint_file.cpp), not the document's raw tree.
      if (document.language() == Language::Cpp) {
        diagnostics = lint_source(file, resolved->settings, resolved->rules);
      } else if (TSTree* tree = document.tree()) {
        diagnostics = lint_source(file, resolved->settings, resolved->rules, tree);
      } else if (resolved->rules.enabled("TL001")) {
        diagnostics.push_back(meta_diagnostic("TL001", document.path(), "the parser gave up on this file"));
      }
    } catch (const ConfigError& e) {
      resolver_.reset();
      const std::string message = std::string("torchlint: configuration error: ") + e.what();
      if (reported_errors_.insert(message).second) show_message(1, message);
    }
  }

  // Positions are converted with the index of the text that was linted.
  const LineIndex lines(document.text());
  auto to_position = [&](Position position) {
    return lsp_position(lines, document.text(), lines.offset_of(position), encoding_);
  };
  open.findings.clear();
  open.items = json::array();
  for (const Diagnostic& diagnostic : diagnostics) {
    const LspPosition start = to_position(diagnostic.range.start);
    const LspPosition end = to_position(diagnostic.range.end);
    const std::uint32_t noqa_line = diagnostic.noqa_row > 0 ? diagnostic.noqa_row - 1 : start.line;
    json item = {{"range", {{"start", to_lsp(start)}, {"end", to_lsp(end)}}},
                 {"severity", severity(diagnostic.level)},
                 {"code", diagnostic.rule->code},
                 {"codeDescription", {{"href", rule_url(*diagnostic.rule)}}},
                 {"source", "torchlint"},
                 {"message", diagnostic.message},
                 {"data", {{"noqaLine", noqa_line}}}};
    open.items.push_back(std::move(item));
    open.findings.push_back(Finding{std::string(diagnostic.rule->code), start, end, noqa_line, diagnostic.fix});
  }
  open.result_id = std::to_string(++lint_counter_);
  if (push_diagnostics_) publish(open);
}

void Server::publish(const OpenDocument& open) {
  // Spliced as text rather than copied into a message object: a file can have hundreds of items.
  const auto replace = json::error_handler_t::replace;
  std::string body = R"({"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":)";
  body += json(open.document.uri()).dump(-1, ' ', false, replace);
  body += R"(,"version":)" + std::to_string(open.document.version()) + R"(,"diagnostics":)";
  body += open.items.dump(-1, ' ', false, replace);
  body += "}}";
  sink_(frame_text(body));
}

json Server::pull_diagnostics(const json& params) {
  const std::string uri = params.at("textDocument").at("uri").get<std::string>();
  OpenDocument* open = find(uri);
  if (open == nullptr) return {{"kind", "full"}, {"items", json::array()}};
  const bool stale = open->due.has_value();
  flush(*open);
  const json& previous = member(params, "previousResultId");
  if (!stale && previous.is_string() && previous == open->result_id) {
    return {{"kind", "unchanged"}, {"resultId", open->result_id}};
  }
  return {{"kind", "full"}, {"resultId", open->result_id}, {"items", open->items}};
}

// ---- code actions -------------------------------------------------------------------

json Server::code_action(const json& params) {
  OpenDocument& open = require(params);
  const json& only = member(member(params, "context"), "only");
  auto asks_for = [&](std::string_view kind) {
    // `only` holds kind prefixes: "source" and "source.fixAll" both ask for source.fixAll.torchlint.
    if (!only.is_array()) return true;
    return std::any_of(only.begin(), only.end(), [&](const json& item) {
      if (!item.is_string()) return false;
      const std::string& prefix = item.get_ref<const std::string&>();
      return kind == prefix || (kind.starts_with(prefix) && kind.size() > prefix.size() && kind[prefix.size()] == '.');
    });
  };
  const bool want_quickfix = asks_for("quickfix");
  const bool want_fix_all = asks_for("source.fixAll.torchlint");
  if (!want_quickfix && !want_fix_all) return json::array();
  flush(open);
  if (!want_quickfix) {
    json actions = json::array();
    if (auto fix_all = fix_all_action(open)) actions.push_back(std::move(*fix_all));
    return actions;
  }
  const json& range = params.at("range");
  const std::uint32_t first_line = range.at("start").at("line").get<std::uint32_t>();
  const std::uint32_t last_line = range.at("end").at("line").get<std::uint32_t>();

  // The findings asked about: those the client names, else those on the requested lines.
  std::vector<const Finding*> wanted;
  const json& named = member(member(params, "context"), "diagnostics");
  if (named.is_array() && !named.empty()) {
    for (const json& diagnostic : named) {
      if (member(diagnostic, "source") != "torchlint" || !member(diagnostic, "code").is_string()) continue;
      const std::string code = diagnostic["code"].get<std::string>();
      const json& start = member(member(diagnostic, "range"), "start");
      const std::uint32_t line = member(start, "line").is_number() ? start["line"].get<std::uint32_t>() : first_line;
      for (const Finding& finding : open.findings) {
        if (finding.code == code && finding.start.line == line) wanted.push_back(&finding);
      }
    }
  } else {
    for (const Finding& finding : open.findings) {
      if (finding.end.line >= first_line && finding.start.line <= last_line) wanted.push_back(&finding);
    }
  }

  const TextDocument& document = open.document;
  const LineIndex lines(document.text());
  TSTree* tree = open.document.tree();
  json actions = json::array();
  std::set<std::pair<std::string, std::uint32_t>> offered;  // one action per code and line
  auto diagnostic_json = [&](const Finding& finding) {
    for (const json& item : open.items) {
      if (item["code"] == finding.code && item["range"]["start"] == to_lsp(finding.start)) return item;
    }
    return json(nullptr);
  };
  auto text_edit = [&](std::uint32_t start, std::uint32_t end, const std::string& text) {
    return json{{"range",
                 {{"start", to_lsp(lsp_position(lines, document.text(), start, encoding_))},
                  {"end", to_lsp(lsp_position(lines, document.text(), end, encoding_))}}},
                {"newText", text}};
  };
  for (const Finding* finding : wanted) {
    // Safe fixes (and unsafe ones when the client asked for them); display-only ones never.
    if (finding->fix && !finding->fix->edits.empty() && is_applicable(finding->fix->applicability, unsafe_fixes_)) {
      json edits = json::array();
      for (const Edit& edit : finding->fix->edits) edits.push_back(text_edit(edit.start, edit.end, edit.content));
      actions.push_back({{"title", finding->fix->message.empty() ? "Fix " + finding->code : finding->fix->message},
                         {"kind", "quickfix"},
                         {"diagnostics", json::array({diagnostic_json(*finding)})},
                         {"isPreferred", finding->fix->applicability == Applicability::Safe},
                         {"edit", {{"changes", {{document.uri(), edits}}}}}});
    }
    if (tree == nullptr || !offered.insert({finding->code, finding->noqa_line}).second) continue;
    const auto insert = suppression_edit(document.text(), ts_tree_root_node(tree), document.language(),
                                         finding->noqa_line, finding->code);
    if (!insert) continue;
    actions.push_back({{"title", "Suppress " + finding->code + " on this line"},
                       {"kind", "quickfix"},
                       {"diagnostics", json::array({diagnostic_json(*finding)})},
                       {"edit", {{"changes", {{document.uri(), json::array({text_edit(insert->start, insert->end, insert->text)})}}}}}});
  }
  if (want_fix_all && only.is_array()) {
    if (auto fix_all = fix_all_action(open)) actions.push_back(std::move(*fix_all));
  }
  return actions;
}

// source.fixAll.torchlint: every applicable fix, applied in rounds as `--fix` does, as one
// edit of the changed region.
std::optional<json> Server::fix_all_action(OpenDocument& open) {
  const TextDocument& document = open.document;
  if (document.language() == Language::Unknown) return std::nullopt;
  const bool any = std::any_of(open.findings.begin(), open.findings.end(), [&](const Finding& finding) {
    return finding.fix && !finding.fix->edits.empty() && is_applicable(finding.fix->applicability, unsafe_fixes_);
  });
  if (!any) return std::nullopt;
  const std::string before(document.text());
  FixOutcome outcome;
  try {
    const auto resolved = settings_for(document.path());
    outcome = fix_text(document.path(), before, document.language(), resolved->settings, resolved->rules, unsafe_fixes_);
  } catch (const ConfigError&) {
    return std::nullopt;
  }
  if (outcome.text == before) return std::nullopt;
  // The smallest replacement: common prefix and suffix stay.
  std::size_t prefix = 0;
  while (prefix < before.size() && prefix < outcome.text.size() && before[prefix] == outcome.text[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < before.size() - prefix && suffix < outcome.text.size() - prefix &&
         before[before.size() - 1 - suffix] == outcome.text[outcome.text.size() - 1 - suffix]) {
    ++suffix;
  }
  // Keep UTF-8 sequences whole: back the prefix up to a character start.
  while (prefix > 0 && (static_cast<unsigned char>(before[prefix]) & 0xC0U) == 0x80U) --prefix;
  while (suffix > 0 && (static_cast<unsigned char>(before[before.size() - suffix]) & 0xC0U) == 0x80U) --suffix;
  const LineIndex lines(before);
  const auto start = lsp_position(lines, before, static_cast<std::uint32_t>(prefix), encoding_);
  const auto end = lsp_position(lines, before, static_cast<std::uint32_t>(before.size() - suffix), encoding_);
  json edit = {{"range", {{"start", to_lsp(start)}, {"end", to_lsp(end)}}},
               {"newText", outcome.text.substr(prefix, outcome.text.size() - suffix - prefix)}};
  return json{{"title", "Fix all torchlint findings (" + std::to_string(outcome.fixed) + ")"},
              {"kind", "source.fixAll.torchlint"},
              {"edit", {{"changes", {{document.uri(), json::array({edit})}}}}}};
}

// ---- output -------------------------------------------------------------------------

json Server::to_lsp(const LspPosition& position) const {
  return {{"line", position.line}, {"character", position.character}};
}

void Server::send(const json& message) { sink_(frame(message)); }

void Server::respond(const json& id, json result) {
  send({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

void Server::respond_error(const json& id, int code, const std::string& message) {
  send({{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}});
}

void Server::show_message(int type, const std::string& message) {
  send({{"jsonrpc", "2.0"}, {"method", "window/showMessage"}, {"params", {{"type", type}, {"message", message}}}});
}

// ---- stdio loop ---------------------------------------------------------------------

namespace {

// Frames read by the reader thread, handed to the main loop. nullopt marks end of input.
class FrameQueue {
 public:
  void push(std::optional<Frame> frame) {
    {
      std::lock_guard lock(mutex_);
      frames_.push_back(std::move(frame));
    }
    ready_.notify_one();
  }
  // Waits until a frame arrives or `deadline` passes (nullopt: no deadline).
  // Returns false on timeout; on true `out` holds the item (nullopt = end of input).
  bool pop(std::optional<Clock::time_point> deadline, std::optional<Frame>& out) {
    std::unique_lock lock(mutex_);
    auto has_frame = [&] { return !frames_.empty(); };
    if (deadline) {
      if (!ready_.wait_until(lock, *deadline, has_frame)) return false;
    } else {
      ready_.wait(lock, has_frame);
    }
    out = std::move(frames_.front());
    frames_.pop_front();
    return true;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::optional<Frame>> frames_;
};

bool write_all(int fd, const std::string& bytes) {
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

int run_server(const ServerOptions& options, int in_fd, int out_fd) {
  ::signal(SIGPIPE, SIG_IGN);  // a vanished client must not kill us mid-write
  auto queue = std::make_shared<FrameQueue>();
  // The reader only reads and frames, so that a debounce timer can fire while input is idle.
  std::thread([queue, in_fd] {
    FrameReader reader;
    char buffer[64 * 1024];
    for (;;) {
      const ssize_t n = ::read(in_fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      reader.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
      while (auto frame = reader.next()) queue->push(std::move(frame));
    }
    queue->push(std::nullopt);
  }).detach();

  bool output_open = true;
  Server server(options, [&](const std::string& bytes) {
    if (output_open && !write_all(out_fd, bytes)) output_open = false;
  });
  while (!server.exited()) {
    std::optional<Frame> frame;
    if (server.next_due()) {
      // Messages already queued come first: with debounce 0 a burst of edits lints once.
      if (queue->pop(server.next_due(), frame)) {
        if (!frame) break;
        server.handle(*frame);
      } else {
        server.run_due(Clock::now());
      }
      continue;
    }
    queue->pop(std::nullopt, frame);
    if (!frame) break;  // end of input without `exit`
    server.handle(*frame);
  }
  return server.exit_code();
}

}  // namespace torchlint::lsp
