#include "linter/semantic/inplace.h"

#include <algorithm>
#include <array>

namespace torchlint {
namespace {

constexpr std::string_view kInplaceNames[] = {
#include "linter/semantic/inplace_names.inc"
};

}  // namespace

bool is_inplace_method_name(std::string_view name) {
  return std::binary_search(std::begin(kInplaceNames), std::end(kInplaceNames), name);
}

bool has_inplace_suffix(std::string_view name) {
  return name.size() >= 2 && name.back() == '_' && name[name.size() - 2] != '_';
}

bool is_allowed_inplace(std::string_view method, std::string_view qualified, const Settings& settings) {
  static constexpr std::array<std::string_view, 3> kAllowedMethods = {"requires_grad_", "share_memory_",
                                                                      "set_requires_grad"};
  if (std::find(kAllowedMethods.begin(), kAllowedMethods.end(), method) != kAllowedMethods.end()) return true;
  for (std::string_view prefix : {"torch.nn.init.", "torch::nn::init::"}) {
    if (qualified.starts_with(prefix)) return true;
  }
  for (std::string_view allowed : {"torch.nn.utils.clip_grad_norm_", "torch.nn.utils.clip_grad_value_",
                                   "torch::nn::utils::clip_grad_norm_", "torch::nn::utils::clip_grad_value_"}) {
    if (qualified == allowed) return true;
  }
  for (const auto& extra : settings.inplace_extend_allow) {
    if (extra == method || (!qualified.empty() && extra == qualified)) return true;
  }
  return false;
}

}  // namespace torchlint
