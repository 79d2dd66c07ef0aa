#pragma once
// JSON-RPC 2.0 over the LSP base protocol: messages framed by a `Content-Length` header.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace torchlint::lsp {

// JSON-RPC and LSP error codes.
enum ErrorCode : int {
  kParseError = -32700,
  kInvalidRequest = -32600,
  kMethodNotFound = -32601,
  kInvalidParams = -32602,
  kInternalError = -32603,
  kServerNotInitialized = -32002,
};

// One frame taken off the stream: its body, or why the header could not be read.
struct Frame {
  std::string body;
  std::string error;  // non-empty: a malformed header; the body is empty
};

// Splits a byte stream into frames. Bytes arrive in any chunks; a malformed header
// yields an error frame and reading goes on after it, so one bad message never
// stops the server.
class FrameReader {
 public:
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next complete frame, or nullopt until more bytes arrive.
  std::optional<Frame> next();

 private:
  std::string buffer_;
  std::optional<std::size_t> pending_length_;  // header read, body not yet complete
};

// `message` serialised with its header. Invalid UTF-8 in strings is replaced, not thrown.
std::string frame(const nlohmann::json& message);
// An already serialised message body with its header.
std::string frame_text(std::string_view body);

}  // namespace torchlint::lsp
