// Copyright (c) torchlint authors. `Collective` over a c10d process group.
//
// Header-only and templated on the group type on purpose: in LibTorch 1.13 the gloo,
// NCCL and MPI groups derive from `c10d::ProcessGroup`; in 2.x they derive from
// `c10d::Backend` and `c10d::ProcessGroup` wraps them. Both expose the two members used
// here (`allreduce(std::vector<at::Tensor>&, const AllreduceOptions&)` and `getSize()`),
// so `ProcessGroupCollective<c10d::ProcessGroupGloo>`, `<c10d::ProcessGroup>` or
// `<c10d::Backend>` all compile against either release.
#pragma once

#include <cstdint>
#include <torch/csrc/distributed/c10d/Types.hpp>
#include <utility>
#include <vector>

#include "torchlint_reference/collective.h"

namespace torchlint_reference {

template <typename ProcessGroup>
class ProcessGroupCollective final : public Collective {
 public:
  explicit ProcessGroupCollective(c10::intrusive_ptr<ProcessGroup> group)
      : group_(std::move(group)) {}

  // tensor: any shape S, a dtype the backend reduces (gloo: every floating and integral
  // dtype), on a device the backend serves (gloo: CPU).
  // Returns: shape S, same dtype and device, the sum over ranks; detached.
  [[nodiscard]] torch::Tensor all_reduce_sum(const torch::Tensor& tensor) const override {
    // c10d collectives reduce into the buffers they are given. The buffer is a fresh
    // copy owned by this function, so no caller-visible tensor (and no autograd graph)
    // is ever modified: the guideline's "no in-place operations" holds at the API.
    std::vector<torch::Tensor> buffers{tensor.detach().clone()};
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::SUM;
    group_->allreduce(buffers, options)->wait();
    return buffers.front();
  }

  [[nodiscard]] std::int64_t world_size() const override { return group_->getSize(); }

 private:
  c10::intrusive_ptr<ProcessGroup> group_;
};

}  // namespace torchlint_reference
