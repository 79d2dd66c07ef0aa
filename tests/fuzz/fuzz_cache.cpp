// libFuzzer target: the lint cache's loader (.torchlint_cache/<version>/cache.bin). A cache
// file can be cut short (disk full, a killed run) or damaged; loading it must never crash
// and a damaged file is ignored. Seeds are real cache files (scripts/fuzz.sh makes one).
// Also checks that save() after load() is stable: what one load-and-save writes, the next
// load-and-save writes again byte for byte.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "linter/run/cache.h"

namespace {

using namespace torchlint;
namespace fs = std::filesystem;

struct WorkDirectory {
  fs::path path;
  WorkDirectory() {
    const fs::path base = fs::exists("/dev/shm") ? fs::path("/dev/shm") : fs::temp_directory_path();
    path = base / ("torchlint-fuzz-cache-" + std::to_string(getpid()));
    fs::create_directories(path / TORCHLINT_VERSION);
  }
  ~WorkDirectory() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

const fs::path& work_directory() {
  static const WorkDirectory directory;
  return directory.path;
}

std::string read_all(const fs::path& file) {
  std::ifstream stream(file, std::ios::binary);
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

// Loads the cache file, adds one entry and saves it; returns what was written.
std::string load_and_save(const fs::path& file) {
  LintCache cache(work_directory());
  CachedFile entry;
  entry.stamp = FileStamp{1, 2};
  entry.settings = 3;
  cache.store("fuzz.py", std::move(entry));
  cache.save();
  return read_all(file);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path file = work_directory() / TORCHLINT_VERSION / "cache.bin";
  {
    std::ofstream stream(file, std::ios::binary | std::ios::trunc);
    stream.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const std::string first = load_and_save(file);
  const std::string second = load_and_save(file);
  if (first != second) __builtin_trap();
  return 0;
}
