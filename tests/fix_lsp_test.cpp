// The LSP server offers fixes (issue 12): safe fixes as quick fixes (unsafe ones only when the
// client sets initializationOptions.unsafeFixes, display-only never), and every applicable fix
// at once as the `source.fixAll.torchlint` code action.
#include <gtest/gtest.h>

#include <filesystem>

#include "linter/lsp/jsonrpc.h"
#include "linter/lsp/server.h"
#include "process_support.h"

namespace torchlint::lsp {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class InProcessSession {
 public:
  explicit InProcessSession(json initialization_options = json::object())
      : server_(ServerOptions{}, [this](const std::string& bytes) { reader_.feed(bytes); }) {
    send({{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"},
          {"params", {{"capabilities", json::object()}, {"initializationOptions", initialization_options}}}});
    next();
    send({{"jsonrpc", "2.0"}, {"method", "initialized"}, {"params", json::object()}});
  }

  void send(const json& message) {
    Frame frame;
    frame.body = message.dump();
    server_.handle(frame);
  }

  // The next message the server wrote.
  json next() {
    auto frame = reader_.next();
    return frame ? json::parse(frame->body) : json();
  }

  // The response to request `id` (skipping notifications).
  json response(int id) {
    for (json message = next(); !message.is_null(); message = next()) {
      if (message.contains("id") && message["id"] == id) return message;
    }
    return json();
  }

 private:
  FrameReader reader_;
  Server server_;
};

const char* kSource =
    "import torch\n"
    "\n"
    "\n"
    "def f(p: torch.Tensor, x: torch.Tensor) -> None:\n"
    "    p.requires_grad = False\n"
    "    x.add_(1)\n"
    "    y = torch.arange(3)\n"
    "    print(y)\n";

struct Document {
  testing::TempDir dir;
  std::string uri;
  Document() {
    dir.write("torchlint.toml", "select = [\"TL201\", \"TL501\", \"TL601\"]\n");
    uri = "file://" + (dir.path() / "m.py").string();
  }
  json open_params() const {
    return {{"textDocument", {{"uri", uri}, {"languageId", "python"}, {"version", 1}, {"text", kSource}}}};
  }
  json action_params(std::uint32_t line, const json& only = nullptr) const {
    json context = {{"diagnostics", json::array()}};
    if (!only.is_null()) context["only"] = only;
    return {{"textDocument", {{"uri", uri}}},
            {"range", {{"start", {{"line", line}, {"character", 0}}}, {"end", {{"line", line}, {"character", 0}}}}},
            {"context", context}};
  }
};

TEST(LspFixes, SafeFixIsAQuickFixUnsafeIsNot) {
  Document doc;
  InProcessSession session;
  session.send({{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"}, {"params", doc.open_params()}});
  session.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "textDocument/codeAction"}, {"params", doc.action_params(4)}});
  json actions = session.response(2)["result"];
  ASSERT_EQ(actions.size(), 2U) << actions.dump(2);
  EXPECT_EQ(actions[0]["title"], "Call `requires_grad_(...)` instead");
  EXPECT_EQ(actions[0]["isPreferred"], true);
  const json edit = actions[0]["edit"]["changes"][doc.uri][0];
  EXPECT_EQ(edit["newText"], "p.requires_grad_(False)");
  EXPECT_EQ(actions[1]["title"], "Suppress TL601 on this line");

  // x.add_(1): the unsafe fix is not offered, only the suppression.
  session.send({{"jsonrpc", "2.0"}, {"id", 3}, {"method", "textDocument/codeAction"}, {"params", doc.action_params(5)}});
  actions = session.response(3)["result"];
  ASSERT_EQ(actions.size(), 1U) << actions.dump(2);
  EXPECT_EQ(actions[0]["title"], "Suppress TL501 on this line");
}

TEST(LspFixes, UnsafeFixesWhenTheClientAsks) {
  Document doc;
  InProcessSession session(json{{"unsafeFixes", true}});
  session.send({{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"}, {"params", doc.open_params()}});
  session.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "textDocument/codeAction"}, {"params", doc.action_params(5)}});
  const json actions = session.response(2)["result"];
  ASSERT_EQ(actions.size(), 2U) << actions.dump(2);
  EXPECT_EQ(actions[0]["isPreferred"], false);
}

TEST(LspFixes, SourceFixAllAppliesEverySafeFix) {
  Document doc;
  InProcessSession session;
  session.send({{"jsonrpc", "2.0"}, {"method", "textDocument/didOpen"}, {"params", doc.open_params()}});
  session.send({{"jsonrpc", "2.0"}, {"id", 2}, {"method", "textDocument/codeAction"},
                {"params", doc.action_params(0, json::array({"source.fixAll"}))}});
  const json actions = session.response(2)["result"];
  ASSERT_EQ(actions.size(), 1U) << actions.dump(2);
  EXPECT_EQ(actions[0]["kind"], "source.fixAll.torchlint");
  const json edits = actions[0]["edit"]["changes"][doc.uri];
  ASSERT_EQ(edits.size(), 1U);
  // One replacement from the first changed character to the last.
  EXPECT_EQ(edits[0]["range"]["start"], json::parse(R"({"line":4,"character":19})"));
  EXPECT_EQ(edits[0]["range"]["end"], json::parse(R"({"line":6,"character":22})"));
  EXPECT_EQ(edits[0]["newText"], "_(False)\n    x.add_(1)\n    y = torch.arange(3, dtype=torch.int64");

  // A quickfix-only request gets no fixAll; a request for kinds we lack gets nothing.
  session.send({{"jsonrpc", "2.0"}, {"id", 3}, {"method", "textDocument/codeAction"},
                {"params", doc.action_params(4, json::array({"quickfix"}))}});
  // Held in a local: a range-for over `response(3)["result"]` would outlive the temporary.
  const json quickfixes = session.response(3)["result"];
  for (const json& action : quickfixes) EXPECT_EQ(action["kind"], "quickfix");
  session.send({{"jsonrpc", "2.0"}, {"id", 4}, {"method", "textDocument/codeAction"},
                {"params", doc.action_params(4, json::array({"refactor"}))}});
  EXPECT_TRUE(session.response(4)["result"].empty());
}

}  // namespace
}  // namespace torchlint::lsp
