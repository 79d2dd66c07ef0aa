#include "linter/semantic/testing.h"

#include "linter/run/glob.h"

namespace torchlint {

bool is_test_file(std::string_view path, const std::vector<std::string>& extra_patterns) {
  for (const auto& pattern : extra_patterns) {
    if (glob_match_path(pattern, path)) return true;
  }
  if (!path.ends_with(".py")) return false;
  const auto slash = path.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.starts_with("test_") || name.ends_with("_test.py") || name == "conftest.py") return true;
  // Any directory component named tests or test.
  std::size_t start = 0;
  while (slash != std::string_view::npos && start < slash) {
    const std::size_t end = path.find('/', start);
    const std::string_view component = path.substr(start, end - start);
    if (component == "tests" || component == "test") return true;
    start = end + 1;
  }
  return false;
}

}  // namespace torchlint
