// Protocol-level tests of `torchlint server`: the real binary over pipes, driven as an
// editor drives it (initialize, open, incremental change, push and pull diagnostics,
// code action, shutdown, exit), with positions checked in UTF-16 and UTF-8 on a line
// with non-ASCII text, and malformed messages answered with JSON-RPC errors.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "linter/lsp/jsonrpc.h"
#include "linter/run/rule.h"
#include "tests/process_support.h"

namespace torchlint {
namespace {

using nlohmann::json;
using torchlint::testing::TempDir;

// A running `torchlint server` with pipes to its stdin and stdout.
class LspSession {
 public:
  explicit LspSession(std::vector<std::string> extra_args = {}) {
    int to_child[2], from_child[2];
    if (pipe2(to_child, O_CLOEXEC) != 0 || pipe2(from_child, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    std::vector<std::string> args = {TORCHLINT_BINARY, "server"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    in_ = to_child[1];
    out_ = from_child[0];
    signal(SIGPIPE, SIG_IGN);
  }
  ~LspSession() {
    if (in_ >= 0) close(in_);
    if (out_ >= 0) close(out_);
    if (pid_ > 0 && !reaped_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void write_raw(const std::string& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = write(in_, bytes.data() + done, bytes.size() - done);
      if (n <= 0) throw std::runtime_error("write to server failed");
      done += static_cast<std::size_t>(n);
    }
  }
  void send(const json& message) { write_raw(lsp::frame(message)); }
  void notify(const std::string& method, json params) {
    send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
  }
  int request(const std::string& method, json params) {
    const int id = next_id_++;
    send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    return id;
  }

  // The next message from the server; fails the test (throws) after 20 s of silence.
  json read() {
    for (;;) {
      if (auto frame = reader_.next()) {
        if (!frame->error.empty()) throw std::runtime_error("bad frame from server: " + frame->error);
        return json::parse(frame->body);
      }
      pollfd fd{out_, POLLIN, 0};
      if (poll(&fd, 1, 20000) <= 0) throw std::runtime_error("timed out waiting for the server");
      char buffer[65536];
      const ssize_t n = ::read(out_, buffer, sizeof buffer);
      if (n <= 0) throw std::runtime_error("server closed its output");
      reader_.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
    }
  }
  // Reads until the response to `id`; other messages are kept in `seen`.
  json response(int id) {
    for (;;) {
      json message = read();
      if (message.contains("id") && message["id"] == id && !message.contains("method")) return message;
      seen.push_back(std::move(message));
    }
  }
  json response_to_null_id() {
    for (;;) {
      json message = read();
      if (message.contains("id") && message["id"].is_null()) return message;
      seen.push_back(std::move(message));
    }
  }
  // The next publishDiagnostics notification.
  json published() {
    for (;;) {
      json message = read();
      if (message.value("method", "") == "textDocument/publishDiagnostics") return message["params"];
      seen.push_back(std::move(message));
    }
  }
  // Closes stdin and waits for the process; its exit status.
  int wait_exit() {
    close(in_);
    in_ = -1;
    int status = 0;
    waitpid(pid_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  json initialize(const std::string& root_uri, json capabilities = json::object(), json options = nullptr) {
    json params = {{"processId", nullptr}, {"rootUri", root_uri}, {"capabilities", std::move(capabilities)}};
    if (!options.is_null()) params["initializationOptions"] = std::move(options);
    json result = response(request("initialize", params));
    notify("initialized", json::object());
    return result;
  }

  std::vector<json> seen;

 private:
  pid_t pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  bool reaped_ = false;
  int next_id_ = 1;
  lsp::FrameReader reader_;
};

json pos(int line, int character) { return {{"line", line}, {"character", character}}; }
json range(int l1, int c1, int l2, int c2) { return {{"start", pos(l1, c1)}, {"end", pos(l2, c2)}}; }

// Line 4: `s = "é😀"` before the flagged call. `add_` starts at code point 16,
// UTF-16 unit 17 (😀 is a surrogate pair) and byte 20.
const std::string kSource =
    "import torch\n"
    "\n"
    "\n"
    "def f(x: torch.Tensor) -> None:\n"
    "    s = \"é😀\"; x.add_(1)\n";

struct Workspace {
  TempDir dir;
  std::string root_uri;
  std::string file_uri;
  Workspace() {
    dir.write("torchlint.toml", "select = [\"TL501\"]\n");
    root_uri = "file://" + dir.path().string();
    file_uri = root_uri + "/model.py";
  }
};

json open_params(const std::string& uri, const std::string& text) {
  return {{"textDocument", {{"uri", uri}, {"languageId", "python"}, {"version", 1}, {"text", text}}}};
}

TEST(LspProtocol, Utf16SessionFromOpenToExit) {
  Workspace ws;
  LspSession session({"--debounce-ms", "0"});
  const json init = session.initialize(ws.root_uri);
  ASSERT_TRUE(init.contains("result")) << init.dump();
  const json& caps = init["result"]["capabilities"];
  EXPECT_EQ(caps["positionEncoding"], "utf-16");
  EXPECT_EQ(caps["textDocumentSync"]["change"], 2);
  EXPECT_EQ(caps["codeActionProvider"]["codeActionKinds"], json::array({"quickfix", "source.fixAll.torchlint"}));
  EXPECT_TRUE(caps.contains("diagnosticProvider"));

  session.notify("textDocument/didOpen", open_params(ws.file_uri, kSource));
  json pushed = session.published();
  EXPECT_EQ(pushed["uri"], ws.file_uri);
  ASSERT_EQ(pushed["diagnostics"].size(), 1u) << pushed.dump();
  const json& d = pushed["diagnostics"][0];
  EXPECT_EQ(d["range"], range(4, 17, 4, 21));
  EXPECT_EQ(d["code"], "TL501");
  EXPECT_EQ(d["severity"], 1);
  EXPECT_EQ(d["source"], "torchlint");
  EXPECT_EQ(d["codeDescription"]["href"], rule_url(find_rule("TL501")->info));

  // Incremental edits in UTF-16: drop "é" (unit 9), then add a second in-place call.
  session.notify("textDocument/didChange",
                 {{"textDocument", {{"uri", ws.file_uri}, {"version", 2}}},
                  {"contentChanges",
                   {{{"range", range(4, 9, 4, 10)}, {"text", ""}},
                    {{"range", range(5, 0, 5, 0)}, {"text", "    x.mul_(2)  # 😀 é\n"}}}}});
  pushed = session.published();
  EXPECT_EQ(pushed["version"], 2);
  ASSERT_EQ(pushed["diagnostics"].size(), 2u) << pushed.dump();
  EXPECT_EQ(pushed["diagnostics"][0]["range"], range(4, 16, 4, 20));
  EXPECT_EQ(pushed["diagnostics"][1]["range"], range(5, 6, 5, 10));

  // Pull gives the same items; the unchanged result is acknowledged as such.
  json pulled = session.response(session.request("textDocument/diagnostic", {{"textDocument", {{"uri", ws.file_uri}}}}));
  EXPECT_EQ(pulled["result"]["kind"], "full");
  EXPECT_EQ(pulled["result"]["items"], pushed["diagnostics"]);
  const json result_id = pulled["result"]["resultId"];
  pulled = session.response(session.request(
      "textDocument/diagnostic", {{"textDocument", {{"uri", ws.file_uri}}}, {"previousResultId", result_id}}));
  EXPECT_EQ(pulled["result"]["kind"], "unchanged");

  // Quick fix on line 4: insert `  # noqa: TL501` at the end (UTF-16 unit 23).
  json actions = session.response(session.request(
      "textDocument/codeAction", {{"textDocument", {{"uri", ws.file_uri}}},
                                  {"range", range(4, 16, 4, 16)},
                                  {"context", {{"diagnostics", {pushed["diagnostics"][0]}}}}}));
  ASSERT_EQ(actions["result"].size(), 1u) << actions.dump();
  const json& action = actions["result"][0];
  EXPECT_EQ(action["title"], "Suppress TL501 on this line");
  EXPECT_EQ(action["kind"], "quickfix");
  const json edit = action["edit"]["changes"][ws.file_uri][0];
  EXPECT_EQ(edit["range"], range(4, 23, 4, 23));
  EXPECT_EQ(edit["newText"], "  # noqa: TL501");

  // The client applies it; only line 5's finding remains. Its action extends nothing:
  // line 5 has a comment without noqa, so the noqa goes after it.
  session.notify("textDocument/didChange", {{"textDocument", {{"uri", ws.file_uri}, {"version", 3}}},
                                            {"contentChanges", {{{"range", edit["range"]}, {"text", edit["newText"]}}}}});
  pushed = session.published();
  ASSERT_EQ(pushed["diagnostics"].size(), 1u) << pushed.dump();
  EXPECT_EQ(pushed["diagnostics"][0]["range"], range(5, 6, 5, 10));
  actions = session.response(session.request(
      "textDocument/codeAction",
      {{"textDocument", {{"uri", ws.file_uri}}}, {"range", range(5, 0, 5, 0)}, {"context", {{"diagnostics", json::array()}}}}));
  ASSERT_EQ(actions["result"].size(), 1u) << actions.dump();
  EXPECT_EQ(actions["result"][0]["edit"]["changes"][ws.file_uri][0]["range"], range(5, 21, 5, 21));

  // Save and close: a save re-lints and pushes, a close clears.
  session.notify("textDocument/didSave", {{"textDocument", {{"uri", ws.file_uri}}}});
  EXPECT_EQ(session.published()["diagnostics"].size(), 1u);
  session.notify("textDocument/didClose", {{"textDocument", {{"uri", ws.file_uri}}}});
  EXPECT_EQ(session.published()["diagnostics"], json::array());

  const json shutdown = session.response(session.request("shutdown", nullptr));
  EXPECT_TRUE(shutdown.contains("result"));
  EXPECT_TRUE(shutdown["result"].is_null());
  session.notify("exit", nullptr);
  EXPECT_EQ(session.wait_exit(), 0);
}

TEST(LspProtocol, Utf8IsUsedWhenTheClientOffersIt) {
  Workspace ws;
  LspSession session({"--debounce-ms", "0"});
  const json init =
      session.initialize(ws.root_uri, {{"general", {{"positionEncodings", {"utf-16", "utf-8"}}}}});
  EXPECT_EQ(init["result"]["capabilities"]["positionEncoding"], "utf-8");
  session.notify("textDocument/didOpen", open_params(ws.file_uri, kSource));
  json pushed = session.published();
  ASSERT_EQ(pushed["diagnostics"].size(), 1u);
  EXPECT_EQ(pushed["diagnostics"][0]["range"], range(4, 20, 4, 24));
  // A change addressed in bytes: replace "😀" (bytes 11..15) with "ab".
  session.notify("textDocument/didChange", {{"textDocument", {{"uri", ws.file_uri}, {"version", 2}}},
                                            {"contentChanges", {{{"range", range(4, 11, 4, 15)}, {"text", "ab"}}}}});
  pushed = session.published();
  EXPECT_EQ(pushed["diagnostics"][0]["range"], range(4, 18, 4, 22));
  session.response(session.request("shutdown", nullptr));
  session.notify("exit", nullptr);
  EXPECT_EQ(session.wait_exit(), 0);
}

TEST(LspProtocol, ClangdStyleOffsetEncodingIsHonoured) {
  Workspace ws;
  LspSession session;
  const json init = session.initialize(ws.root_uri, {{"offsetEncoding", {"utf-8", "utf-16"}}});
  EXPECT_EQ(init["result"]["capabilities"]["positionEncoding"], "utf-8");
  EXPECT_EQ(init["result"]["offsetEncoding"], "utf-8");
}

TEST(LspProtocol, MalformedMessagesGetErrorsAndTheServerGoesOn) {
  Workspace ws;
  LspSession session({"--debounce-ms", "0"});
  // Before initialize, requests are refused.
  json early = session.response(session.request("textDocument/diagnostic", {{"textDocument", {{"uri", ws.file_uri}}}}));
  EXPECT_EQ(early["error"]["code"], -32002);
  session.initialize(ws.root_uri);

  session.write_raw("Content-Length: 9\r\n\r\n{\"bad\": }");
  EXPECT_EQ(session.response_to_null_id()["error"]["code"], -32700);
  session.write_raw("Content-Type: nothing-else\r\n\r\n");
  EXPECT_EQ(session.response_to_null_id()["error"]["code"], -32700);
  session.write_raw(lsp::frame(json::array({1, 2})));
  EXPECT_EQ(session.response_to_null_id()["error"]["code"], -32600);
  session.send({{"id", 41}, {"method", "shutdown"}});  // no "jsonrpc": "2.0"
  EXPECT_EQ(session.response(41)["error"]["code"], -32600);
  session.send({{"jsonrpc", "2.0"}, {"id", 42}, {"method", 17}});
  EXPECT_EQ(session.response(42)["error"]["code"], -32600);
  EXPECT_EQ(session.response(session.request("no/such/method", json::object()))["error"]["code"], -32601);
  EXPECT_EQ(session.response(session.request("textDocument/codeAction", {{"range", 3}}))["error"]["code"], -32602);
  // A broken notification is not answered and does no harm.
  session.notify("textDocument/didChange", {{"textDocument", 5}});

  // Still serving.
  session.notify("textDocument/didOpen", open_params(ws.file_uri, kSource));
  EXPECT_EQ(session.published()["diagnostics"].size(), 1u);
  session.response(session.request("shutdown", nullptr));
  // After shutdown, requests are invalid.
  EXPECT_EQ(session.response(session.request("textDocument/diagnostic", {{"textDocument", {{"uri", ws.file_uri}}}}))
                ["error"]["code"],
            -32600);
  session.notify("exit", nullptr);
  EXPECT_EQ(session.wait_exit(), 0);
}

TEST(LspProtocol, ExitWithoutShutdownIsStatusOne) {
  Workspace ws;
  LspSession session;
  session.initialize(ws.root_uri);
  session.notify("exit", nullptr);
  EXPECT_EQ(session.wait_exit(), 1);
}

TEST(LspProtocol, EditsWithinTheDebounceAreLintedOnce) {
  Workspace ws;
  LspSession session({"--debounce-ms", "1000"});
  session.initialize(ws.root_uri);
  session.notify("textDocument/didOpen", open_params(ws.file_uri, kSource));
  EXPECT_EQ(session.published()["version"], 1);
  // Three changes in one write: one publish, for the last version.
  std::string burst;
  for (int version = 2; version <= 4; ++version) {
    burst += lsp::frame({{"jsonrpc", "2.0"},
                         {"method", "textDocument/didChange"},
                         {"params",
                          {{"textDocument", {{"uri", ws.file_uri}, {"version", version}}},
                           {"contentChanges", {{{"range", range(5, 0, 5, 0)}, {"text", "    x.mul_(2)\n"}}}}}}});
  }
  session.write_raw(burst);
  const json pushed = session.published();
  EXPECT_EQ(pushed["version"], 4);
  EXPECT_EQ(pushed["diagnostics"].size(), 4u);
}

TEST(LspProtocol, ConfigurationIsReadPerDocument) {
  Workspace ws;
  // A subdirectory with its own configuration that ignores TL501.
  ws.dir.write("legacy/torchlint.toml", "select = [\"TL501\"]\nignore = [\"TL501\"]\n");
  LspSession session({"--debounce-ms", "0"});
  session.initialize(ws.root_uri);
  session.notify("textDocument/didOpen", open_params(ws.root_uri + "/legacy/old.py", kSource));
  EXPECT_EQ(session.published()["diagnostics"].size(), 0u);
  session.notify("textDocument/didOpen", open_params(ws.file_uri, kSource));
  EXPECT_EQ(session.published()["diagnostics"].size(), 1u);
}

TEST(LspProtocol, BrokenConfigurationIsShownNotFatal) {
  Workspace ws;
  ws.dir.write("torchlint.toml", "select = 5\n");
  LspSession session({"--debounce-ms", "0"});
  session.initialize(ws.root_uri);
  session.notify("textDocument/didOpen", open_params(ws.file_uri, kSource));
  EXPECT_EQ(session.published()["diagnostics"], json::array());
  const auto shown = std::find_if(session.seen.begin(), session.seen.end(), [](const json& message) {
    return message.value("method", "") == "window/showMessage";
  });
  ASSERT_NE(shown, session.seen.end());
  EXPECT_EQ((*shown)["params"]["type"], 1);
  EXPECT_NE((*shown)["params"]["message"].get<std::string>().find("torchlint.toml"), std::string::npos);
  // Fixed and saved: the document is linted again.
  ws.dir.write("torchlint.toml", "select = [\"TL501\"]\n");
  session.notify("textDocument/didSave", {{"textDocument", {{"uri", ws.file_uri}}}});
  EXPECT_EQ(session.published()["diagnostics"].size(), 1u);
}

}  // namespace
}  // namespace torchlint
