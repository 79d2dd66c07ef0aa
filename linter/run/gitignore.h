#pragma once
// .gitignore matching with git's semantics: patterns are read per directory, deeper
// files override shallower ones, the last matching pattern wins, `!` negates,
// a leading or middle `/` anchors to the file's directory, a trailing `/` matches
// directories only, `**` spans directories, and a file under an ignored directory
// cannot be re-included.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace torchlint {

struct GitignorePattern {
  std::string glob;       // relative to `base` when anchored, else matched against any tail
  bool negated = false;
  bool directory_only = false;
  bool anchored = false;
};

struct GitignoreFile {
  std::filesystem::path base;  // the directory holding the .gitignore
  std::vector<GitignorePattern> patterns;
};

// Parses .gitignore text (comments, blank lines, escapes, trailing spaces).
GitignoreFile parse_gitignore(const std::string& text, std::filesystem::path base);

// The .gitignore files that apply in one directory (outermost first).
class GitignoreStack {
 public:
  // Adds `directory/.gitignore` if it exists; returns the new stack (this one is unchanged).
  [[nodiscard]] std::shared_ptr<const GitignoreStack> with_directory(const std::filesystem::path& directory) const;
  // Decision of the last matching pattern over all files: true when ignored.
  [[nodiscard]] bool ignored(const std::filesystem::path& path, bool is_directory) const;

 private:
  std::vector<std::shared_ptr<const GitignoreFile>> files_;
};

}  // namespace torchlint
