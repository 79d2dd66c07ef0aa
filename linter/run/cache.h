#pragma once
// The lint cache (like Ruff's): per file, the diagnostics and TL9 facts of its last
// check, reused while the file's mtime and size, the settings that govern it, and the
// torchlint binary are unchanged. One file per project root, written atomically
// (temp file + rename), so concurrent runs never see a torn cache. Entries stay encoded
// in memory: a hit is decoded by the worker that asks for it (in parallel), and an entry
// that was not touched is written back as it was read.
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "linter/config/config_loader.h"
#include "linter/run/diagnostic.h"
#include "linter/run/lint_file.h"

namespace torchlint {

// What identifies a file's state on disk.
struct FileStamp {
  std::int64_t mtime_ns = 0;
  std::uint64_t size = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

std::optional<FileStamp> stamp_of(const std::filesystem::path& path);

// A hash of everything in `settings` that can change a file's diagnostics.
std::uint64_t settings_fingerprint(const ResolvedSettings& settings);

struct CachedFile {
  FileStamp stamp;
  std::uint64_t settings = 0;
  std::vector<Diagnostic> diagnostics;  // `path` is filled in by the reader of the entry
  ProjectExtras extras;
};

class LintCache {
 public:
  // Loads `directory`/<version>/cache.bin if present and valid; a corrupt file is ignored.
  explicit LintCache(std::filesystem::path directory);

  // The entry for `key` when its stamp and settings match.
  [[nodiscard]] std::optional<CachedFile> lookup(const std::string& key, const FileStamp& stamp,
                                                 std::uint64_t settings) const;
  void store(const std::string& key, CachedFile entry);
  // Writes the cache if anything changed; errors are reported, never fatal.
  void save() const;

 private:
  struct Entry {
    FileStamp stamp;
    std::uint64_t settings = 0;
    std::string payload;  // the encoded diagnostics and TL9 facts
  };
  std::filesystem::path file_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
  bool dirty_ = false;
};

}  // namespace torchlint
