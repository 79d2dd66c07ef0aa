#pragma once
// Facts about the torch API that several rules share (catalog conventions).
#include <string_view>

namespace torchlint {

// True for a tensor factory's qualified name: `torch.` + one of tensor, as_tensor, asarray,
// zeros, ones, empty, full, arange, range, linspace, logspace, eye, rand, randn, randint,
// randperm, normal, empty_strided, scalar_tensor, sparse_coo_tensor. `*_like`, `Tensor.new_*`,
// `torch.from_numpy` and `torch.frombuffer` are not factories: they inherit dtype and device.
[[nodiscard]] bool is_tensor_factory(std::string_view qualified);

// The factory names above (without `torch.`), for C++ rules that match `torch::` / `at::` + name.
[[nodiscard]] bool is_tensor_factory_name(std::string_view name);

}  // namespace torchlint
