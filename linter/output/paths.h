#pragma once
// Paths as SARIF and GitLab want them: relative to the project root with '/' separators,
// or, for files outside the root, absolute.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace torchlint {

// `path` relative to `root` ("src/a.py"), or nullopt when it lies outside `root`.
std::optional<std::string> relative_to_root(const std::string& path, const std::filesystem::path& root);

// Percent-encodes what may not appear literally in a URI path (RFC 3986): keeps
// unreserved characters, sub-delimiters, '@' and '/'; encodes ':' too, so that a
// relative reference never reads as a scheme.
std::string uri_escape_path(std::string_view path);

// "file:///abs/path" for an absolute path; a trailing '/' when `directory`.
std::string file_uri(const std::filesystem::path& absolute, bool directory = false);

}  // namespace torchlint
