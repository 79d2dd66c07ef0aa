#include "linter/run/file_walker.h"

#include <algorithm>
#include <set>

#include "linter/run/gitignore.h"
#include "linter/run/glob.h"
#include "linter/run/notebook.h"
#include "linter/semantic/testing.h"

namespace torchlint {
namespace fs = std::filesystem;

namespace {

std::string display_of(const fs::path& path) {
  std::string text = path.lexically_normal().generic_string();
  while (text.starts_with("./")) text.erase(0, 2);
  return text;
}

// The .gitignore files from the enclosing repository's root down to `directory`'s parent.
std::shared_ptr<const GitignoreStack> ancestor_gitignores(const fs::path& directory) {
  std::error_code ec;
  fs::path absolute = fs::absolute(directory, ec).lexically_normal();
  std::vector<fs::path> chain;
  for (fs::path current = absolute.parent_path(); !current.empty(); current = current.parent_path()) {
    chain.push_back(current);
    if (fs::exists(current / ".git", ec) || current == current.parent_path()) break;
  }
  // Only inside a repository do ancestors' .gitignore files apply.
  if (chain.empty() || !fs::exists(chain.back() / ".git", ec)) return std::make_shared<GitignoreStack>();
  auto stack = std::make_shared<const GitignoreStack>();
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) stack = stack->with_directory(*it);
  return stack;
}

// A directory entry that may be a source file: regular files, and symlinks that lead
// nowhere (dangling, looping: reported as TL001 when read). FIFOs, sockets and devices
// are not source files, and reading a FIFO would block the run forever.
bool may_be_source_file(const fs::directory_entry& entry) {
  std::error_code ec;
  const fs::file_status status = entry.status(ec);  // follows symlinks
  if (ec || status.type() == fs::file_type::not_found) return entry.is_symlink(ec);
  return status.type() == fs::file_type::regular;
}

void walk_directory(const fs::path& root, ConfigResolver& resolver, Discovery& discovery) {
  std::vector<DiscoveredFile>& out = discovery.files;
  struct Pending {
    fs::path directory;
    std::shared_ptr<const GitignoreStack> gitignore;
  };
  std::error_code ec;
  std::set<fs::path> visited;  // canonical directories: symlink loops end here
  std::vector<Pending> stack;
  stack.push_back({root, ancestor_gitignores(root)});
  while (!stack.empty()) {
    Pending pending = std::move(stack.back());
    stack.pop_back();
    const fs::path canonical = fs::weakly_canonical(pending.directory, ec);
    if (!visited.insert(canonical).second) continue;
    auto governing = resolver.for_path(pending.directory);
    const Settings& settings = governing->settings;
    auto gitignore = settings.respect_gitignore ? pending.gitignore->with_directory(pending.directory) : pending.gitignore;
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(pending.directory, ec), end; !ec && it != end; it.increment(ec)) {
      entries.push_back(*it);
    }
    if (ec) discovery.unreadable.push_back({display_of(pending.directory), ec.message()});
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
    for (auto entry_it = entries.rbegin(); entry_it != entries.rend(); ++entry_it) {
      const fs::path& path = entry_it->path();
      const bool is_directory = entry_it->is_directory(ec);  // follows symlinks
      if (is_excluded(path, settings)) continue;
      if (settings.respect_gitignore && gitignore->ignored(fs::absolute(path, ec).lexically_normal(), is_directory)) {
        continue;
      }
      // A directory named like a source file (`model.py/`) is not walked: the catalog makes
      // it TL001 (reading it reports "is a directory").
      if (is_directory && !is_lintable_path(path)) {
        stack.push_back({path, gitignore});
      } else if (is_lintable_path(path) && (is_directory || may_be_source_file(*entry_it))) {
        out.push_back({path, display_of(path), false});
      }
    }
  }
}

}  // namespace

std::vector<fs::path> discover_test_files(const fs::path& root, const std::vector<std::string>& test_patterns) {
  std::vector<fs::path> result;
  std::error_code ec;
  const fs::path base = fs::absolute(root, ec).lexically_normal();
  std::set<fs::path> visited;
  std::vector<std::pair<fs::path, std::shared_ptr<const GitignoreStack>>> stack;
  stack.emplace_back(base, ancestor_gitignores(base));
  const std::vector<std::string> excludes = default_excludes();
  while (!stack.empty()) {
    auto [directory, inherited] = std::move(stack.back());
    stack.pop_back();
    if (!visited.insert(fs::weakly_canonical(directory, ec)).second) continue;
    auto gitignore = inherited->with_directory(directory);
    for (fs::directory_iterator it(directory, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      const fs::path& path = it->path();
      const std::string name = path.filename().string();
      if (std::any_of(excludes.begin(), excludes.end(), [&](const std::string& p) { return glob_match(p, name); })) {
        continue;
      }
      const bool is_directory = it->is_directory(ec);
      if (gitignore->ignored(path, is_directory)) continue;
      if (is_directory) {
        stack.emplace_back(path, gitignore);
      } else if (is_test_file(path.lexically_relative(base).generic_string(), test_patterns)) {
        result.push_back(path);
      }
    }
  }
  std::sort(result.begin(), result.end());
  return result;
}

bool is_lintable_path(const fs::path& path) {
  return language_for_path(path.string()) != Language::Unknown || is_notebook_path(path);
}

bool is_excluded(const fs::path& path, const Settings& settings) {
  const std::string relative = relative_for_matching(path, settings.root);
  const std::string name = path.filename().string();
  auto matches = [&](const std::string& pattern) {
    return glob_match_path(pattern, relative) || glob_match(pattern, name);
  };
  return std::any_of(settings.exclude.begin(), settings.exclude.end(), matches) ||
         std::any_of(settings.extend_exclude.begin(), settings.extend_exclude.end(), matches);
}

Discovery discover_files(const std::vector<std::string>& paths, ConfigResolver& resolver, bool force_exclude) {
  Discovery discovery;
  std::error_code ec;
  for (const auto& argument : paths) {
    const fs::path path(argument);
    const auto status = fs::symlink_status(path, ec);
    if (ec || status.type() == fs::file_type::not_found) {
      discovery.errors.push_back(argument + ": No such file or directory");
      continue;
    }
    // `model.py` naming a directory is TL001 (catalog); `model.py/` asks for a walk.
    if (fs::is_directory(path, ec) && !is_lintable_path(path)) {
      walk_directory(path, resolver, discovery);
      continue;
    }
    // A named file is checked even when excluded, unless --force-exclude.
    if (force_exclude && is_excluded(path, resolver.for_path(path)->settings)) continue;
    discovery.files.push_back({path, display_of(path), true});
  }
  std::sort(discovery.files.begin(), discovery.files.end(),
            [](const DiscoveredFile& a, const DiscoveredFile& b) { return a.display_path < b.display_path; });
  discovery.files.erase(std::unique(discovery.files.begin(), discovery.files.end(),
                                    [](const DiscoveredFile& a, const DiscoveredFile& b) {
                                      return a.display_path == b.display_path;
                                    }),
                        discovery.files.end());
  return discovery;
}

}  // namespace torchlint
