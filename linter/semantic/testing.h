#pragma once
// What counts as a test (catalog, TL9): shared by TL301's exemption and the TL9 project rules.
#include <string>
#include <string_view>
#include <vector>

namespace torchlint {

// A test file: `test_*.py`, `*_test.py`, `conftest.py`, any `.py` under a directory named
// `tests` or `test`, or a match of one of `extra_patterns` ([testing] test-patterns, globs
// matched like excludes). `path` uses '/' separators (relative to the project root when
// possible; an absolute path works too).
bool is_test_file(std::string_view path, const std::vector<std::string>& extra_patterns = {});

// A test function name: `test*`.
inline bool is_test_function_name(std::string_view name) { return name.starts_with("test"); }
// A test class name: `Test*`.
inline bool is_test_class_name(std::string_view name) { return name.starts_with("Test"); }

}  // namespace torchlint
