// Copyright (c) torchlint authors. A DETR-style detection loss written to the PyTorch
// coding guidelines: L1 box loss + generalized-IoU loss + sigmoid focal loss.
//
// Conventions for every function below:
// - boxes are (x0, y0, x1, y1) ("xyxy"); a box with x1 <= x0 or y1 <= y0 has zero area
//   and is handled without NaN or Inf (its IoU with anything is 0);
// - inputs may be float16, bfloat16, float32 or float64 on any device; the math runs in
//   the "compute dtype" (float64 for float64 inputs, float32 otherwise) and each loss is
//   returned in the dtype of its input;
// - no function modifies its arguments; every tensor created carries an explicit dtype;
// - distributed correctness follows DETR: every loss is a sum over the local rank's
//   boxes divided by `normaliser` = max(1, (sum over ranks of N_r) / world_size). The
//   mean of the per-rank losses then equals the loss of the concatenated batch, and the
//   DDP-averaged gradients of shared parameters equal the single-process gradients.
//   (The gradient with respect to a rank's own inputs is world_size times the
//   single-process one; DDP's averaging divides that factor out.)
#pragma once

#include <torch/types.h>

#include "torchlint_reference/collective.h"

namespace torchlint_reference {

// The inputs of `detection_loss`; matched pairs (prediction i belongs to target i).
struct DetectionInput {
  torch::Tensor pred_boxes;     // (N, 4) floating, xyxy
  torch::Tensor target_boxes;   // (N, 4) same dtype as pred_boxes, xyxy
  torch::Tensor class_logits;   // (M, C) floating, raw scores
  torch::Tensor class_targets;  // (M, C) floating, in [0, 1] (one-hot or soft)
};

// Weights of the three terms and the focal-loss parameters.
struct DetectionOptions {
  double l1_weight = 5.0;
  double giou_weight = 2.0;
  double focal_weight = 1.0;
  double focal_alpha = 0.25;  // in [0, 1]: weight of the positive class
  double focal_gamma = 2.0;   // 0 or >= 1 (0 < gamma < 1 has an infinite slope at p_t = 1)
};

// The value of `detection_loss`: every field is a 0-dim tensor.
struct DetectionTerms {
  torch::Tensor total;  // () dtype of pred_boxes: weighted sum of the three terms
  torch::Tensor l1;     // () dtype of pred_boxes
  torch::Tensor giou;   // () dtype of pred_boxes
  torch::Tensor focal;  // () dtype of class_logits
};

// dtype: any floating dtype. Returns float64 for float64, float32 for everything else.
[[nodiscard]] torch::ScalarType compute_dtype(torch::ScalarType dtype);

// boxes: (N, 4) floating, xyxy. Returns: (N,) compute dtype, the areas (0 for
// degenerate boxes).
[[nodiscard]] torch::Tensor box_area(const torch::Tensor& boxes);

// boxes_a, boxes_b: (N, 4) floating, xyxy. Returns: (N,) compute dtype, the generalized
// IoU of each pair (a_i, b_i), in [-1, 1]; finite for degenerate boxes.
[[nodiscard]] torch::Tensor aligned_generalized_box_iou(const torch::Tensor& boxes_a,
                                                        const torch::Tensor& boxes_b);

// target_boxes: (N_r, 4) floating, this rank's targets. Returns: () compute dtype of
// target_boxes, on its device: max(1, (sum over ranks of N_r) / world_size). Collective
// call: every rank must call it.
[[nodiscard]] torch::Tensor box_count_normaliser(const torch::Tensor& target_boxes,
                                                 const Collective& collective);

// pred_boxes, target_boxes: (N, 4) floating, same dtype; normaliser: () floating.
// Returns: () dtype of pred_boxes, sum |pred - target| / normaliser.
[[nodiscard]] torch::Tensor l1_box_loss(const torch::Tensor& pred_boxes,
                                        const torch::Tensor& target_boxes,
                                        const torch::Tensor& normaliser);

// pred_boxes, target_boxes: (N, 4) floating, same dtype; normaliser: () floating.
// Returns: () dtype of pred_boxes, sum (1 - GIoU(pred_i, target_i)) / normaliser.
[[nodiscard]] torch::Tensor generalized_iou_loss(const torch::Tensor& pred_boxes,
                                                 const torch::Tensor& target_boxes,
                                                 const torch::Tensor& normaliser);

// class_logits, class_targets: (M, C) floating, same dtype; normaliser: () floating.
// Returns: () dtype of class_logits, sum over all M * C entries of
// alpha_t * (1 - p_t)^gamma * BCE(logit, target), divided by normaliser.
[[nodiscard]] torch::Tensor sigmoid_focal_loss(const torch::Tensor& class_logits,
                                               const torch::Tensor& class_targets,
                                               const torch::Tensor& normaliser, double alpha,
                                               double gamma);

// input: see DetectionInput (pred_boxes and class_logits of one dtype).
// Returns: DetectionTerms, every field () in the input dtype. Collective call: the
// normaliser is all-reduced over `collective`.
[[nodiscard]] DetectionTerms detection_loss(const DetectionInput& input,
                                            const DetectionOptions& options,
                                            const Collective& collective);

// The single-process form: `detection_loss(input, options, SingleProcess{})`.
[[nodiscard]] DetectionTerms detection_loss(const DetectionInput& input,
                                            const DetectionOptions& options = DetectionOptions{});

// loss: () floating, this rank's loss. Returns: () same dtype, detached: the mean of
// `loss` over the ranks, i.e. the loss of the whole batch, for logging. Collective call.
[[nodiscard]] torch::Tensor reduce_for_logging(const torch::Tensor& loss,
                                               const Collective& collective);

}  // namespace torchlint_reference
