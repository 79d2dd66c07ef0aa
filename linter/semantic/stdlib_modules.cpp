#include "linter/semantic/stdlib_modules.h"

#include <algorithm>
#include <iterator>

namespace torchlint {
namespace {

// Sorted, so a binary search answers.
constexpr std::string_view kStdlibModules[] = {
#include "linter/semantic/stdlib_modules.inc"
};

static_assert(std::is_sorted(std::begin(kStdlibModules), std::end(kStdlibModules)));

}  // namespace

bool is_stdlib_module(std::string_view top_level) {
  return std::binary_search(std::begin(kStdlibModules), std::end(kStdlibModules), top_level);
}

}  // namespace torchlint
