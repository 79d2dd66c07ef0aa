#pragma once
// Glob matching for exclude / per-file-ignores / test patterns: `*` (no slash),
// `**` (any number of directories), `?`, `[...]`. A pattern without a slash matches
// the file name or any path component; with a slash it matches the path relative to
// the settings' root.
#include <filesystem>
#include <string>
#include <string_view>

namespace torchlint {

bool glob_match(std::string_view pattern, std::string_view text);
bool glob_match_path(std::string_view pattern, std::string_view relative_path);
// `path` relative to `root` with '/' separators (the path itself when it is outside root).
std::string relative_for_matching(const std::filesystem::path& path, const std::filesystem::path& root);

}  // namespace torchlint
