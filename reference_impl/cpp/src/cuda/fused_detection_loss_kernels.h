// Copyright (c) torchlint authors. The host interface of the fused detection-loss kernels
// (fused_detection_loss.cu). Deliberately free of LibTorch: raw device pointers, counts and a
// stream, so that the .cu file compiles with nvcc alone; fused_detection_loss_op.cpp turns
// tensors into these calls.
//
// Storage: boxes (N, 4) and class scores (M, C) are dense row-major arrays of one storage
// type (float16, bfloat16, float32 or float64) whose base addresses are 16-byte aligned.
// Accumulation: float32, or float64 for float64 storage; every buffer documented as
// "accumulation type" below has that type.
#pragma once

#include <cuda_runtime_api.h>

#include <cstdint>

namespace torchlint_reference::fused {

enum class StorageType { kFloat16, kBFloat16, kFloat32, kFloat64 };

// Matched box pairs: pred and target, each (count, 4) xyxy.
struct BoxPairs {
  const void* pred;
  const void* target;
  std::int64_t count;
};

// Class scores: logits and targets, each count = M * C entries.
struct ClassScores {
  const void* logits;
  const void* targets;
  std::int64_t count;
};

// The weights of the three terms and the focal parameters (as DetectionOptions).
struct LossWeights {
  double l1;
  double giou;
  double focal;
  double alpha;
  double gamma;
};

// Everything both passes read. normaliser: 1 element of the accumulation type, on the device.
struct FusedInputs {
  StorageType storage;
  BoxPairs boxes;
  ClassScores classes;
  const void* normaliser;
  LossWeights weights;
};

// Where gradients go (storage type, shaped like the inputs); a null pointer is not written.
// pred_boxes / class_logits must be non-null whenever target_boxes / class_targets are.
struct FusedGradients {
  void* pred_boxes;
  void* target_boxes;
  void* class_logits;
  void* class_targets;
};

// The forward pass's grid: one partial sum per block, reduced in a fixed order.
struct ForwardPlan {
  int box_blocks;
  int focal_blocks;
};

// Elements (accumulation type) of the forward pass's workspace for `plan`.
[[nodiscard]] std::int64_t workspace_elements(const ForwardPlan& plan);

// The grid of the forward pass on `device` for `inputs`: a function of the storage type, the
// sizes, gamma and the device only (not of the gradients to be written), so that repeated runs
// reduce in the same order and give bit-identical values, with or without gradients.
[[nodiscard]] ForwardPlan plan_forward(const FusedInputs& inputs, int device);

// Writes terms[0..3] = total, l1, giou, focal (accumulation type), each sum divided by the
// normaliser and total weighted as in detection_loss, and, where `gradients` points, the
// gradients for d out / d terms = (1, 0, 0, 0), i.e. of `total` (launch_backward finishes
// them for the real d out / d terms). workspace: workspace_elements(plan) elements; plan:
// plan_forward(inputs, device). Returns the launch error, if any.
[[nodiscard]] cudaError_t launch_forward(const FusedInputs& inputs, const ForwardPlan& plan,
                                         void* workspace, void* terms,
                                         const FusedGradients& gradients, cudaStream_t stream);

// grad_terms: 4 elements (accumulation type), d out / d terms[0..3] of launch_forward.
// Writes d out / d inputs where `gradients` points. precomputed: they hold what
// launch_forward wrote, which is finished in place (left as it is when d out / d terms =
// (1, 0, 0, 0), rescaled when only d total is non-zero, recomputed from the inputs
// otherwise); else they are computed from the inputs. Returns the launch error, if any.
[[nodiscard]] cudaError_t launch_backward(const FusedInputs& inputs, const void* grad_terms,
                                          const FusedGradients& gradients, bool precomputed,
                                          int device, cudaStream_t stream);

}  // namespace torchlint_reference::fused
