// libFuzzer target: the lint cache's loader (.torchlint_cache/<version>/cache.bin). A cache
// file can be cut short (disk full, a killed run) or damaged; loading it must never crash
// and a damaged file is ignored. Seeds are real cache files (scripts/fuzz.sh makes one).
// Also checks that save() after load() is stable: what one load-and-save writes, the next
// load-and-save writes again byte for byte.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "linter/run/cache.h"
#include "tests/fuzz/work_directory.h"

namespace {

using namespace torchlint;
namespace fs = std::filesystem;

const fs::path& work_directory() { return fuzz::work_directory("cache"); }

// LintCache keeps its file in a version directory below the directory it is given.
fs::path cache_file() {
  const fs::path file = work_directory() / TORCHLINT_VERSION / "cache.bin";
  fs::create_directories(file.parent_path());
  return file;
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
  static const fs::path file = cache_file();
  {
    std::ofstream stream(file, std::ios::binary | std::ios::trunc);
    stream.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const std::string first = load_and_save(file);
  const std::string second = load_and_save(file);
  if (first != second) __builtin_trap();
  return 0;
}
