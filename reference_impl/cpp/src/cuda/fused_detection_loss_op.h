// Copyright (c) torchlint authors. The fused CUDA detection loss as the operator
// `torchlint_reference::detection_loss_terms` (registered in fused_detection_loss_op.cpp for
// the CUDA and Autograd dispatch keys; Python reaches it as
// torch.ops.torchlint_reference.detection_loss_terms after torch.ops.load_library).
#pragma once

#include <torch/types.h>

#include "torchlint_reference/detection_loss.h"

namespace torchlint_reference::fused {

// input: DetectionInput on one CUDA device, all four tensors of one floating dtype (N or M
// may be 0); normaliser: () floating, any device. Returns: (4,) in the compute dtype (float64
// for float64 inputs, float32 otherwise) on the inputs' device: total, l1, giou, focal, each
// sum divided by the normaliser and total weighted by `options`. Differentiable with respect
// to the four inputs (once: double backward is refused). Goes through the dispatcher, so it
// runs exactly what torch.ops.torchlint_reference.detection_loss_terms runs.
[[nodiscard]] torch::Tensor detection_loss_terms(const DetectionInput& input,
                                                 const torch::Tensor& normaliser,
                                                 const DetectionOptions& options);

}  // namespace torchlint_reference::fused
