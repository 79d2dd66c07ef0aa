#include "linter/config/settings.h"

namespace torchlint {

std::vector<std::string> default_excludes() {
  return {".git", ".venv", "venv", "__pycache__", "build", "dist", "node_modules", ".tox", "site-packages"};
}

std::vector<std::string> default_attribute_macros() {
  return {"TORCH_API", "C10_API", "TORCH_CUDA_CU_API", "C10_HOST_DEVICE", "C10_DEVICE", "C10_HOST",
          "__host__", "__device__", "__global__", "__forceinline__", "C10_ALWAYS_INLINE", "C10_NODISCARD",
          "TORCH_NODISCARD"};
}

Settings::Settings() : exclude(default_excludes()), attribute_macros(default_attribute_macros()) {}

}  // namespace torchlint
