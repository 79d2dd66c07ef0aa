#pragma once
// Finds the files to check: named files and the source files under named directories,
// honouring excludes and .gitignore files; symlink loops cannot hang it.
#include <filesystem>
#include <string>
#include <vector>

#include "linter/config/config_loader.h"

namespace torchlint {

struct DiscoveredFile {
  std::filesystem::path path;  // as found (relative when given relative)
  std::string display_path;    // what diagnostics show
  bool named = false;          // named on the command line
};

struct UnreadableDirectory {
  std::string display_path;
  std::string error;  // e.g. "Permission denied"
};

struct Discovery {
  std::vector<DiscoveredFile> files;  // sorted by display path, unique
  std::vector<std::string> errors;    // usage errors (missing paths), exit 2
  // Directories that could not be listed: reported as TL001, so that no file is lost silently.
  std::vector<UnreadableDirectory> unreadable;
};

// True for the extensions torchlint lints (.py .pyi and the C++/CUDA ones, .ipynb).
bool is_lintable_path(const std::filesystem::path& path);

Discovery discover_files(const std::vector<std::string>& paths, ConfigResolver& resolver, bool force_exclude);

// The Python test files under `root` for the project index (TL9): .gitignore files and the
// default excludes apply, the configured `exclude` does not (it keeps files from being
// checked, not from the index).
std::vector<std::filesystem::path> discover_test_files(const std::filesystem::path& root,
                                                       const std::vector<std::string>& test_patterns);

// True when `path` is excluded by `settings` (exclude + extend-exclude).
bool is_excluded(const std::filesystem::path& path, const Settings& settings);

}  // namespace torchlint
