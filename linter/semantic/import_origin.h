#pragma once
// Where a `from M import N` module comes from: the standard library, the project itself
// (first-party), or a third-party package (catalog TL105). First-party means a top-level
// module or package found at the project root, in a configured `src` directory, or next to
// the importing file, as isort and Ruff decide it.
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "linter/config/settings.h"

namespace torchlint {

enum class ImportOrigin {
  StandardLibrary,
  Relative,    // `from . import x`, `from .models import Net`
  FirstParty,  // found at the project root, a `src` directory, or next to the importing file
  Exempt,      // jaxtyping, typing_extensions, __future__: their names are meant to be used bare
  ThirdParty,
};

// The first component of a dotted module name ("torch" for "torch.nn.functional").
std::string_view top_level_module(std::string_view module);

class ImportClassifier {
 public:
  // `file` is the importing file's path (relative to the working directory or absolute).
  ImportClassifier(const Settings& settings, const std::filesystem::path& file);

  [[nodiscard]] ImportOrigin classify(std::string_view module);
  [[nodiscard]] bool is_first_party(std::string_view top_level);

 private:
  std::vector<std::filesystem::path> roots_;
  std::unordered_map<std::string, bool> first_party_cache_;  // file-system answers, per top-level name
};

}  // namespace torchlint
