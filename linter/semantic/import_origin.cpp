#include "linter/semantic/import_origin.h"

#include <system_error>

#include "linter/semantic/stdlib_modules.h"

namespace torchlint {
namespace fs = std::filesystem;

std::string_view top_level_module(std::string_view module) { return module.substr(0, module.find('.')); }

ImportClassifier::ImportClassifier(const Settings& settings, const fs::path& file) {
  const fs::path root = settings.root.empty() ? fs::path(".") : settings.root;
  roots_.push_back(root);
  for (const auto& src : settings.src) {
    const fs::path directory(src);
    roots_.push_back(directory.is_absolute() ? directory : root / directory);
  }
  const fs::path parent = file.parent_path();
  roots_.push_back(parent.empty() ? fs::path(".") : parent);
}

bool ImportClassifier::is_first_party(std::string_view top_level) {
  const std::string name(top_level);
  if (auto it = first_party_cache_.find(name); it != first_party_cache_.end()) return it->second;
  bool found = false;
  std::error_code ec;
  for (const auto& root : roots_) {
    // A package (any directory: namespace packages have no __init__.py) or a module file.
    if (fs::is_directory(root / name, ec) || fs::is_regular_file(root / (name + ".py"), ec) ||
        fs::is_regular_file(root / (name + ".pyi"), ec)) {
      found = true;
      break;
    }
  }
  first_party_cache_.emplace(name, found);
  return found;
}

ImportOrigin ImportClassifier::classify(std::string_view module) {
  if (module.empty() || module.front() == '.') return ImportOrigin::Relative;
  const std::string_view top = top_level_module(module);
  if (top == "jaxtyping" || top == "typing_extensions" || top == "__future__") return ImportOrigin::Exempt;
  if (is_stdlib_module(top)) return ImportOrigin::StandardLibrary;
  if (is_first_party(top)) return ImportOrigin::FirstParty;
  return ImportOrigin::ThirdParty;
}

}  // namespace torchlint
