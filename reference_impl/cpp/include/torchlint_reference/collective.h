// Copyright (c) torchlint authors. The collective-communication seam of the exemplar.
//
// The losses never talk to a process group directly: they take a `Collective`, so that
// the same code runs single-process (`SingleProcess`), under c10d (`ProcessGroupCollective`
// in c10d_collective.h) or under any other transport a user plugs in. This also keeps
// the loss library free of the c10d headers, whose layout differs between LibTorch
// releases.
#pragma once

#include <torch/types.h>

#include <cstdint>

namespace torchlint_reference {

// Sum-reduction over the ranks of a job.
class Collective {
 public:
  Collective() = default;
  Collective(const Collective&) = delete;
  Collective& operator=(const Collective&) = delete;
  Collective(Collective&&) = delete;
  Collective& operator=(Collective&&) = delete;
  virtual ~Collective() = default;

  // tensor: any shape S, any dtype the backend reduces, any device the backend serves.
  // Returns: shape S, same dtype and device: the element-wise sum of `tensor` over all
  // ranks. The argument is never modified (implementations reduce a copy); the result
  // carries no autograd history, so use it for counts and logged values, not for
  // quantities that must be differentiated through.
  [[nodiscard]] virtual torch::Tensor all_reduce_sum(const torch::Tensor& tensor) const = 0;

  // Number of ranks taking part (>= 1).
  [[nodiscard]] virtual std::int64_t world_size() const = 0;
};

// The one-rank job: the sum over ranks is the tensor itself.
class SingleProcess final : public Collective {
 public:
  // tensor: any shape S and dtype. Returns: shape S, same dtype, detached.
  [[nodiscard]] torch::Tensor all_reduce_sum(const torch::Tensor& tensor) const override {
    return tensor.detach();
  }

  [[nodiscard]] std::int64_t world_size() const override { return 1; }
};

}  // namespace torchlint_reference
