#pragma once
// A fuzz target's private scratch directory (in /dev/shm where there is one, so inputs
// written to disk cost no real I/O), created on first use and removed when the process
// exits. `name` tells the targets' directories apart; a process uses one name.
#include <unistd.h>

#include <filesystem>
#include <string>

namespace torchlint::fuzz {

inline const std::filesystem::path& work_directory(const std::string& name) {
  namespace fs = std::filesystem;
  struct Directory {
    fs::path path;
    explicit Directory(const std::string& name) {
      const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
      path = base / ("torchlint-fuzz-" + name + "-" + std::to_string(getpid()));
      fs::create_directories(path);
    }
    ~Directory() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  };
  static const Directory directory(name);
  return directory.path;
}

}  // namespace torchlint::fuzz
