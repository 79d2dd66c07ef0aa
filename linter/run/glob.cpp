#include "linter/run/glob.h"

#include <vector>

namespace torchlint {
namespace {

bool match_class(std::string_view pattern, std::size_t& p, char c) {
  // pattern[p] == '['
  std::size_t i = p + 1;
  bool negate = false;
  if (i < pattern.size() && (pattern[i] == '!' || pattern[i] == '^')) {
    negate = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  while (i < pattern.size() && (first || pattern[i] != ']')) {
    first = false;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      if (pattern[i] <= c && c <= pattern[i + 2]) matched = true;
      i += 3;
    } else {
      if (pattern[i] == c) matched = true;
      ++i;
    }
  }
  if (i >= pattern.size()) return false;  // unterminated: no match
  p = i + 1;
  return matched != negate;
}

bool match_here(std::string_view pattern, std::string_view text) {
  std::size_t p = 0;
  std::size_t t = 0;
  // Backtracking points for '*' and '**'.
  std::size_t star_p = std::string_view::npos, star_t = 0;
  bool star_crosses = false;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      const bool double_star = p + 1 < pattern.size() && pattern[p + 1] == '*';
      p += double_star ? 2 : 1;
      if (double_star && p < pattern.size() && pattern[p] == '/') {
        // "**/" also matches zero directories.
        if (match_here(pattern.substr(p + 1), text.substr(t))) return true;
      }
      star_p = p;
      star_t = t;
      star_crosses = double_star;
      continue;
    }
    if (p < pattern.size()) {
      if (pattern[p] == '?' && text[t] != '/') {
        ++p;
        ++t;
        continue;
      }
      if (pattern[p] == '[') {
        std::size_t next = p;
        if (text[t] != '/' && match_class(pattern, next, text[t])) {
          p = next;
          ++t;
          continue;
        }
      } else if (pattern[p] == text[t]) {
        ++p;
        ++t;
        continue;
      }
    }
    if (star_p != std::string_view::npos && (star_crosses || text[star_t] != '/')) {
      p = star_p;
      t = ++star_t;
      continue;
    }
    return false;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view text) { return match_here(pattern, text); }

bool glob_match_path(std::string_view pattern, std::string_view relative_path) {
  while (pattern.starts_with("./")) pattern.remove_prefix(2);
  if (pattern.ends_with('/')) pattern.remove_suffix(1);
  if (pattern.find('/') == std::string_view::npos) {
    // Match any component (a directory pattern excludes what is under it).
    std::size_t start = 0;
    while (start <= relative_path.size()) {
      const std::size_t end = std::min(relative_path.find('/', start), relative_path.size());
      if (glob_match(pattern, relative_path.substr(start, end - start))) return true;
      start = end + 1;
    }
    return false;
  }
  if (pattern.starts_with('/')) pattern.remove_prefix(1);
  if (glob_match(pattern, relative_path)) return true;
  // A directory pattern matches what is under it.
  for (std::size_t slash = relative_path.find('/'); slash != std::string_view::npos;
       slash = relative_path.find('/', slash + 1)) {
    if (glob_match(pattern, relative_path.substr(0, slash))) return true;
  }
  return false;
}

std::string relative_for_matching(const std::filesystem::path& path, const std::filesystem::path& root) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec).lexically_normal();
  if (root.empty()) return absolute.generic_string();
  std::filesystem::path base = std::filesystem::absolute(root, ec).lexically_normal();
  std::filesystem::path relative = absolute.lexically_relative(base);
  if (relative.empty() || relative.native().starts_with("..")) return absolute.generic_string();
  return relative.generic_string();
}

}  // namespace torchlint
