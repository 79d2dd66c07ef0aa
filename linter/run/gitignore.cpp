#include "linter/run/gitignore.h"

#include <fstream>
#include <sstream>

#include "linter/run/glob.h"

namespace torchlint {
namespace fs = std::filesystem;

GitignoreFile parse_gitignore(const std::string& text, fs::path base) {
  GitignoreFile file;
  file.base = std::move(base);
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Trailing spaces are ignored unless escaped.
    while (!line.empty() && line.back() == ' ' && !(line.size() >= 2 && line[line.size() - 2] == '\\')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    GitignorePattern pattern;
    if (line[0] == '!') {
      pattern.negated = true;
      line.erase(0, 1);
    } else if (line[0] == '\\' && line.size() > 1 && (line[1] == '#' || line[1] == '!')) {
      line.erase(0, 1);
    }
    if (!line.empty() && line.back() == '/') {
      pattern.directory_only = true;
      line.pop_back();
    }
    if (line.empty()) continue;
    // A slash at the start or in the middle anchors the pattern to this directory.
    if (line.find('/') != std::string::npos) {
      pattern.anchored = true;
      if (line[0] == '/') line.erase(0, 1);
    }
    pattern.glob = line;
    file.patterns.push_back(std::move(pattern));
  }
  return file;
}

std::shared_ptr<const GitignoreStack> GitignoreStack::with_directory(const fs::path& directory) const {
  auto next = std::make_shared<GitignoreStack>(*this);
  std::error_code ec;
  const fs::path candidate = directory / ".gitignore";
  if (fs::is_regular_file(candidate, ec)) {
    std::ifstream stream(candidate, std::ios::binary);
    std::ostringstream buffer;
    buffer << stream.rdbuf();
    // The base is absolute: ignored() gets absolute paths, and a relative base (a walk of
    // `.`) would relate to none of them, silently dropping nested .gitignore files.
    auto parsed = std::make_shared<GitignoreFile>(parse_gitignore(buffer.str(), fs::absolute(directory, ec).lexically_normal()));
    if (!parsed->patterns.empty()) next->files_.push_back(std::move(parsed));
  }
  return next;
}

bool GitignoreStack::ignored(const fs::path& path, bool is_directory) const {
  // Deeper files are consulted last, so their matches override (last match wins).
  bool result = false;
  for (const auto& file : files_) {
    const std::string relative = path.lexically_relative(file->base).generic_string();
    if (relative.empty() || relative.starts_with("..")) continue;
    const std::string name = path.filename().string();
    for (const auto& pattern : file->patterns) {
      if (pattern.directory_only && !is_directory) continue;
      const bool matched = pattern.anchored ? glob_match(pattern.glob, relative) : glob_match(pattern.glob, name);
      if (matched) result = !pattern.negated;
    }
  }
  return result;
}

}  // namespace torchlint
