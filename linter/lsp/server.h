#pragma once
// `torchlint server`: a Language Server over stdio. It keeps each open document's text
// and tree, re-lints after edits (debounced; the reparse reuses the old tree), pushes
// or serves diagnostics, and offers "suppress on this line" quick fixes.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "linter/config/config_loader.h"
#include "linter/lsp/jsonrpc.h"
#include "linter/lsp/text_document.h"
#include "linter/run/diagnostic.h"

namespace torchlint::lsp {

struct ServerOptions {
  int debounce_ms = 100;  // didChange -> lint delay; 0 lints as soon as queued messages are read
  std::optional<std::string> config;
  bool isolated = false;
  CliOverrides overrides;
};

using Clock = std::chrono::steady_clock;

class Server {
 public:
  using Sink = std::function<void(const std::string& bytes)>;
  Server(ServerOptions options, Sink sink);

  // Handles one frame from the client (a malformed one is answered with an error).
  void handle(const Frame& frame);
  // Runs the debounced lints that are due at `now`.
  void run_due(Clock::time_point now);
  // When the next debounced lint is due; nullopt when none is pending.
  [[nodiscard]] std::optional<Clock::time_point> next_due() const;
  [[nodiscard]] bool exited() const { return exited_; }
  // The process exit status after `exit` or end of input: 0 only after `shutdown`.
  [[nodiscard]] int exit_code() const { return shutdown_ ? 0 : 1; }

 private:
  // What the last lint of a document found, kept for code actions.
  struct Finding {
    std::string code;
    LspPosition start, end;
    std::uint32_t noqa_line = 0;  // 0-based line where a line suppression applies
    std::optional<Fix> fix;
  };
  struct OpenDocument {
    explicit OpenDocument(TextDocument d) : document(std::move(d)) {}
    TextDocument document;
    std::optional<Clock::time_point> due;  // a lint is pending
    std::vector<Finding> findings;
    nlohmann::json items = nlohmann::json::array();  // LSP diagnostics of the last lint
    std::string result_id;
  };

  void dispatch(const nlohmann::json& message);
  nlohmann::json request(const std::string& method, const nlohmann::json& params);
  void notification(const std::string& method, const nlohmann::json& params);

  nlohmann::json initialize(const nlohmann::json& params);
  void initialized();
  void did_open(const nlohmann::json& params);
  void did_change(const nlohmann::json& params);
  void did_save(const nlohmann::json& params);
  void did_close(const nlohmann::json& params);
  void did_change_configuration(const nlohmann::json& params);
  void relint_all();
  nlohmann::json code_action(const nlohmann::json& params);
  std::optional<nlohmann::json> fix_all_action(OpenDocument& open);
  nlohmann::json pull_diagnostics(const nlohmann::json& params);

  OpenDocument* find(const std::string& uri);
  OpenDocument& require(const nlohmann::json& params);
  void lint(OpenDocument& open);
  void flush(OpenDocument& open);  // lints now when a lint is pending
  void publish(const OpenDocument& open);
  std::shared_ptr<const ResolvedSettings> settings_for(const std::string& path);

  nlohmann::json to_lsp(const LspPosition& position) const;
  void send(const nlohmann::json& message);
  void respond(const nlohmann::json& id, nlohmann::json result);
  void respond_error(const nlohmann::json& id, int code, const std::string& message);
  void show_message(int type, const std::string& message);

  ServerOptions options_;
  Sink sink_;
  PositionEncoding encoding_ = PositionEncoding::Utf16;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
  bool push_diagnostics_ = true;  // false when the client pulls (it would show both)
  bool watch_registration_ = false;
  bool unsafe_fixes_ = false;  // initializationOptions.unsafeFixes: offer unsafe fixes as quick fixes too
  std::string root_;
  std::unique_ptr<ConfigResolver> resolver_;
  std::set<std::string> reported_errors_;
  std::map<std::string, OpenDocument> documents_;
  std::uint64_t lint_counter_ = 0;
  std::int64_t next_request_id_ = 1;
};

// Path of a `file:` URI (percent-decoded); other URIs are returned as they are.
std::string uri_to_path(const std::string& uri);

// Serves LSP on `in_fd`/`out_fd` until `exit` or end of input; returns the exit status.
int run_server(const ServerOptions& options, int in_fd, int out_fd);

}  // namespace torchlint::lsp
