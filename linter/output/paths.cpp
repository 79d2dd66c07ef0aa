#include "linter/output/paths.h"

#include "linter/output/emitter.h"

namespace torchlint {

std::optional<std::string> relative_to_root(const std::string& path, const std::filesystem::path& root) {
  if (root.empty()) return std::nullopt;
  const std::filesystem::path absolute(absolute_path(path));
  const std::filesystem::path base(absolute_path(root.string()));
  const std::filesystem::path relative = absolute.lexically_relative(base);
  if (relative.empty()) return std::nullopt;
  const std::string text = relative.generic_string();
  if (text == ".." || text.starts_with("../") || relative.is_absolute()) return std::nullopt;
  return text;
}

std::string uri_escape_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    const bool keep = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') || (byte >= '0' && byte <= '9') ||
                      std::string_view("-._~!$&'()*+,;=@/").find(c) != std::string_view::npos;
    if (keep) {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4U];
      out += kHex[byte & 0xFU];
    }
  }
  return out;
}

std::string file_uri(const std::filesystem::path& absolute, bool directory) {
  std::string text = absolute.generic_string();
  if (directory && !text.ends_with('/')) text += '/';
  return "file://" + uri_escape_path(text);
}

}  // namespace torchlint
