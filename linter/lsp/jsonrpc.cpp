#include "linter/lsp/jsonrpc.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace torchlint::lsp {
namespace {

// A header block larger than this is garbage, not a header: drop it instead of buffering forever.
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;
// No editor sends a document this large; a bigger length is a corrupt header.
constexpr std::size_t kMaxBodyBytes = std::size_t{1} << 30;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// Content-Length from a header block ("Name: value" lines), or nullopt.
std::optional<std::size_t> content_length(std::string_view headers) {
  std::optional<std::size_t> length;
  while (!headers.empty()) {
    const auto newline = headers.find('\n');
    std::string_view line = headers.substr(0, newline);
    headers = newline == std::string_view::npos ? std::string_view() : headers.substr(newline + 1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (!iequals(trim(line.substr(0, colon)), "Content-Length")) continue;
    const std::string_view value = trim(line.substr(colon + 1));
    std::size_t parsed = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
    length = parsed;
  }
  return length;
}

}  // namespace

std::optional<Frame> FrameReader::next() {
  if (!pending_length_) {
    // The header ends at an empty line; "\r\n\r\n" by the spec, a bare "\n\n" tolerated.
    std::size_t end = buffer_.find("\r\n\r\n");
    std::size_t separator = 4;
    if (const std::size_t bare = buffer_.find("\n\n"); bare != std::string::npos && bare < end) {
      end = bare;
      separator = 2;
    }
    if (end == std::string::npos) {
      if (buffer_.size() <= kMaxHeaderBytes) return std::nullopt;
      buffer_.clear();
      return Frame{"", "header too long"};
    }
    const std::optional<std::size_t> length = content_length(std::string_view(buffer_).substr(0, end));
    buffer_.erase(0, end + separator);
    if (!length) return Frame{"", "missing or invalid Content-Length header"};
    if (*length > kMaxBodyBytes) return Frame{"", "Content-Length too large"};
    pending_length_ = *length;
  }
  if (buffer_.size() < *pending_length_) return std::nullopt;
  Frame frame{buffer_.substr(0, *pending_length_), ""};
  buffer_.erase(0, *pending_length_);
  pending_length_.reset();
  return frame;
}

std::string frame(const nlohmann::json& message) {
  return frame_text(message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string frame_text(std::string_view body) {
  std::string framed = "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  framed.append(body);
  return framed;
}

}  // namespace torchlint::lsp
