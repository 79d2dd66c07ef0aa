// The lint cache end to end: a warm run reprints exactly what a cold run printed, an
// edited file is linted again, a corrupt cache is ignored, --no-cache writes nothing.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace {
namespace fs = std::filesystem;

std::string run(const fs::path& directory, const std::string& arguments) {
  const std::string command = "cd '" + directory.string() + "' && '" + TORCHLINT_BINARY +
                              "' check --output-format concise -j 2 " + arguments + " 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  std::array<char, 4096> buffer{};
  while (pipe != nullptr && fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  if (pipe != nullptr) pclose(pipe);
  return output;
}

class CacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() / ("torchlint-cache-test-" + std::to_string(::getpid()));
    fs::remove_all(directory_);
    fs::create_directories(directory_);
    write("a.py", "import torch\n\ndef f(x: torch.Tensor) -> None:\n    x.add_(1)\n");
    write("b.py", "import torch\n\ny = torch.zeros(3)\n");
  }
  void TearDown() override { fs::remove_all(directory_); }
  void write(const std::string& name, const std::string& text) { std::ofstream(directory_ / name) << text; }

  fs::path directory_;
};

TEST_F(CacheTest, WarmRunEqualsColdRun) {
  const std::string cold = run(directory_, ".");
  EXPECT_NE(cold.find("a.py:4:7: TL501"), std::string::npos) << cold;
  EXPECT_TRUE(fs::exists(directory_ / ".torchlint_cache" / TORCHLINT_VERSION / "cache.bin"));
  EXPECT_EQ(run(directory_, "."), cold);
}

TEST_F(CacheTest, EditedFileIsLintedAgain) {
  run(directory_, ".");
  // Same size, different content and mtime: the cache must not serve the old result.
  write("a.py", "import torch\n\ndef f(x: torch.Tensor) -> None:\n    x.mul_(1)\n");
  fs::last_write_time(directory_ / "a.py", fs::file_time_type::clock::now() + std::chrono::seconds(5));
  const std::string output = run(directory_, ".");
  EXPECT_NE(output.find("`mul_`"), std::string::npos) << output;
  EXPECT_EQ(output.find("`add_`"), std::string::npos) << output;
}

TEST_F(CacheTest, SettingsChangeInvalidates) {
  run(directory_, ".");
  const std::string output = run(directory_, "--select TL201");
  EXPECT_EQ(output.find("TL501"), std::string::npos) << output;
  EXPECT_NE(output.find("TL201"), std::string::npos) << output;
}

TEST_F(CacheTest, CorruptCacheIsIgnored) {
  const std::string cold = run(directory_, ".");
  std::ofstream(directory_ / ".torchlint_cache" / TORCHLINT_VERSION / "cache.bin", std::ios::trunc)
      << "TLCACHE3garbage";
  EXPECT_EQ(run(directory_, "."), cold);
}

TEST_F(CacheTest, NoCacheWritesNothing) {
  run(directory_, ". --no-cache");
  EXPECT_FALSE(fs::exists(directory_ / ".torchlint_cache"));
}

}  // namespace
