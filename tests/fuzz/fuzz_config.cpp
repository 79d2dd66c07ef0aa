// libFuzzer target: the configuration parser. The input is written to a temporary file
// (load_config_file reads from disk, as the CLI does) named `pyproject.toml`,
// `torchlint.toml` or `.torchlint.toml` by the input's first byte. A ConfigError is the
// expected answer to bad input; any other exception, crash or sanitizer report is a bug.
// Settings that load are then used: rule selection, excludes and per-file-ignores globs
// (user-written patterns, so exponential matching would show up as a timeout).
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "linter/config/config_loader.h"
#include "linter/run/file_walker.h"
#include "linter/run/lint_file.h"
#include "tests/fuzz/work_directory.h"

namespace {

using namespace torchlint;
namespace fs = std::filesystem;

void use_settings(const Settings& settings) {
  const ResolvedSettings resolved(settings);
  static const std::string kSource = "import torch\nx = torch.zeros(3)\nx.add_(1)  # noqa: TL501\n";
  SourceFile file((settings.root / "tests/test_model.py").string(), kSource, Language::Python);
  (void)lint_source(file, resolved.settings, resolved.rules);
  for (const char* relative : {"src/model.py", "tests/test_model.py", "build/lib/x.py", "a/b/c/d.cpp"}) {
    (void)is_excluded(settings.root / relative, settings);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static constexpr const char* kNames[] = {"pyproject.toml", "torchlint.toml", ".torchlint.toml"};
  const char* name = kNames[size == 0 ? 0 : data[0] % 3];
  const fs::path file = fuzz::work_directory("config") / name;
  {
    std::ofstream stream(file, std::ios::binary | std::ios::trunc);
    stream.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    if (auto settings = load_config_file(file)) use_settings(*settings);
  } catch (const ConfigError&) {
  }
  fs::remove(file);
  return 0;
}
