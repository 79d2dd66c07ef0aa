#include "linter/semantic/torch_api.h"

#include <algorithm>
#include <array>

namespace torchlint {
namespace {

constexpr std::array<std::string_view, 20> kFactoryNames = {
    "tensor",   "as_tensor", "asarray", "zeros",     "ones",   "empty",         "full",
    "arange",   "range",     "linspace", "logspace", "eye",    "rand",          "randn",
    "randint",  "randperm",  "normal",  "empty_strided", "scalar_tensor", "sparse_coo_tensor"};

}  // namespace

bool is_tensor_factory_name(std::string_view name) {
  return std::find(kFactoryNames.begin(), kFactoryNames.end(), name) != kFactoryNames.end();
}

bool is_tensor_factory(std::string_view qualified) {
  constexpr std::string_view kPrefix = "torch.";
  if (!qualified.starts_with(kPrefix)) return false;
  return is_tensor_factory_name(qualified.substr(kPrefix.size()));
}

}  // namespace torchlint
