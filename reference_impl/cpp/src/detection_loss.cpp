// Copyright (c) torchlint authors. See detection_loss.h for the conventions.
//
// Only ATen operators are used, so the same code runs on every device LibTorch
// supports. Built with TORCHLINT_REFIMPL_CUDA=ON, inputs on a CUDA device take the fused
// kernels of cuda/ instead (the operator torchlint_reference::detection_loss_terms), behind
// the same declarations: the device of the inputs picks the implementation.
#include "torchlint_reference/detection_loss.h"

#ifdef TORCHLINT_REFIMPL_WITH_CUDA
#include "cuda/fused_detection_loss_op.h"
#endif

namespace torchlint_reference {
namespace {

// Keeps the IoU and GIoU denominators away from zero. Absolute, in box units (the value
// torchvision's generalized_box_iou_loss uses).
constexpr double kDenominatorEps = 1e-7;

// t: any shape, floating. Returns: same shape in the compute dtype of t.
torch::Tensor to_compute_dtype(const torch::Tensor& t) {
  return t.to(compute_dtype(t.scalar_type()));
}

// boxes: (N, 4) floating expected; throws c10::Error naming `what` otherwise.
void check_boxes(const torch::Tensor& boxes, const char* what) {
  TORCH_CHECK(boxes.dim() == 2 && boxes.size(1) == 4, what, " must have shape (N, 4), got ",
              boxes.sizes());
  TORCH_CHECK(torch::isFloatingType(boxes.scalar_type()), what, " must be floating point, got ",
              boxes.scalar_type());
}

// pred_boxes, target_boxes: (N, 4) floating, same shape and dtype; throws otherwise.
void check_box_pair(const torch::Tensor& pred_boxes, const torch::Tensor& target_boxes) {
  check_boxes(pred_boxes, "pred_boxes");
  check_boxes(target_boxes, "target_boxes");
  TORCH_CHECK(pred_boxes.sizes() == target_boxes.sizes(),
              "pred_boxes and target_boxes must have the same shape, got ", pred_boxes.sizes(),
              " and ", target_boxes.sizes());
  TORCH_CHECK(pred_boxes.scalar_type() == target_boxes.scalar_type(),
              "pred_boxes and target_boxes must have the same dtype");
}

// logits, targets: (M, C) floating, same shape and dtype; throws c10::Error otherwise.
void check_classes(const torch::Tensor& class_logits, const torch::Tensor& class_targets) {
  TORCH_CHECK(class_logits.dim() == 2, "class_logits must have shape (M, C), got ",
              class_logits.sizes());
  TORCH_CHECK(torch::isFloatingType(class_logits.scalar_type()),
              "class_logits must be floating point");
  TORCH_CHECK(class_logits.sizes() == class_targets.sizes(),
              "class_logits and class_targets must have the same shape");
  TORCH_CHECK(class_logits.scalar_type() == class_targets.scalar_type(),
              "class_logits and class_targets must have the same dtype");
}

void check_options(const DetectionOptions& options) {
  TORCH_CHECK(options.focal_alpha >= 0.0 && options.focal_alpha <= 1.0,
              "focal_alpha must be in [0, 1], got ", options.focal_alpha);
  TORCH_CHECK(options.focal_gamma == 0.0 || options.focal_gamma >= 1.0,
              "focal_gamma must be 0 or >= 1, got ", options.focal_gamma);
}

// lower, upper: (N, 2) compute dtype, the lower and upper corners of N boxes.
// Returns: (N,) the area of the box they span, 0 when it is empty.
torch::Tensor span_area(const torch::Tensor& lower, const torch::Tensor& upper) {
  const torch::Tensor extent = (upper - lower).clamp_min(0.0);
  return extent.select(1, 0) * extent.select(1, 1);
}

// numerator, denominator: (N,) same floating dtype, denominator >= 0. Returns: (N,)
// numerator / denominator where denominator > kDenominatorEps, else 0 -- in value and in
// gradient, so zero-area boxes never produce the 1 / eps gradients that a clamped
// denominator alone would.
torch::Tensor safe_ratio(const torch::Tensor& numerator, const torch::Tensor& denominator) {
  const torch::Tensor ratio = numerator / denominator.clamp_min(kDenominatorEps);
  return torch::where(denominator > kDenominatorEps, ratio, torch::zeros_like(ratio));
}

// pred_boxes, target_boxes: (N, 4). Returns: () compute dtype, sum |pred - target|.
torch::Tensor l1_sum(const torch::Tensor& pred_boxes, const torch::Tensor& target_boxes) {
  return (to_compute_dtype(pred_boxes) - to_compute_dtype(target_boxes)).abs().sum();
}

// pred_boxes, target_boxes: (N, 4). Returns: () compute dtype, sum (1 - GIoU).
torch::Tensor giou_sum(const torch::Tensor& pred_boxes, const torch::Tensor& target_boxes) {
  return (1.0 - aligned_generalized_box_iou(pred_boxes, target_boxes)).sum();
}

// class_logits, class_targets: (M, C). Returns: () compute dtype, the focal-loss sum.
torch::Tensor focal_sum(const torch::Tensor& class_logits, const torch::Tensor& class_targets,
                        double alpha, double gamma) {
  const torch::Tensor logits = to_compute_dtype(class_logits);
  const torch::Tensor targets = to_compute_dtype(class_targets);
  const torch::Tensor probabilities = torch::sigmoid(logits);
  // Binary cross-entropy with logits: softplus(x) - x * t. softplus is overflow-free and
  // smooth; the textbook max(x, 0) + log(1 + exp(-|x|)) form has the same value, but
  // autograd picks the zero subgradient of both kinks at x = 0 and loses the 1/2 slope.
  const torch::Tensor cross_entropy = torch::softplus(logits) - logits * targets;
  const torch::Tensor p_t = probabilities * targets + (1.0 - probabilities) * (1.0 - targets);
  const torch::Tensor modulating = (1.0 - p_t).clamp_min(0.0).pow(gamma);
  const torch::Tensor alpha_t = alpha * targets + (1.0 - alpha) * (1.0 - targets);
  return (alpha_t * modulating * cross_entropy).sum();
}

// sum: () compute dtype; normaliser: () floating. Returns: () compute dtype of sum.
torch::Tensor normalise(const torch::Tensor& sum, const torch::Tensor& normaliser) {
  return sum / normaliser.to(sum.scalar_type());
}

// Whether the fused CUDA kernels serve inputs like `tensor`: built with them, and on CUDA.
bool uses_fused_kernels(const torch::Tensor& tensor) {
#ifdef TORCHLINT_REFIMPL_WITH_CUDA
  return tensor.is_cuda();
#else
  static_cast<void>(tensor);
  return false;
#endif
}

// input: DetectionInput on one CUDA device (N or M may be 0). Returns: (4,) compute dtype:
// total, l1, giou, focal from the fused kernels (differentiable).
torch::Tensor fused_terms(const DetectionInput& input, const torch::Tensor& normaliser,
                          const DetectionOptions& options) {
#ifdef TORCHLINT_REFIMPL_WITH_CUDA
  return fused::detection_loss_terms(input, normaliser, options);
#else
  static_cast<void>(normaliser);
  static_cast<void>(options);
  TORCH_CHECK(false, "reference_impl was built without TORCHLINT_REFIMPL_CUDA; inputs on ",
              input.pred_boxes.device(), " have no fused kernels");
#endif
}

// boxes: (N, 4). Returns: (0, 1) of their dtype and device: no class scores.
torch::Tensor no_class_scores(const torch::Tensor& boxes) {
  return torch::zeros({0, 1}, boxes.options());
}

// class_logits: (M, C). Returns: (0, 4) of their dtype and device: no boxes.
torch::Tensor no_boxes(const torch::Tensor& class_logits) {
  return torch::zeros({0, 4}, class_logits.options());
}

// terms: (4,) compute dtype from fused_terms. Returns: its fields in `dtype`.
DetectionTerms terms_from_vector(const torch::Tensor& terms, torch::ScalarType dtype) {
  const torch::Tensor values = terms.to(dtype);
  return DetectionTerms{values.select(0, 0), values.select(0, 1), values.select(0, 2),
                        values.select(0, 3)};
}

}  // namespace

torch::ScalarType compute_dtype(torch::ScalarType dtype) {
  return dtype == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
}

torch::Tensor box_area(const torch::Tensor& boxes) {
  check_boxes(boxes, "boxes");
  const torch::Tensor corners = to_compute_dtype(boxes);
  return span_area(corners.narrow(1, 0, 2), corners.narrow(1, 2, 2));
}

torch::Tensor aligned_generalized_box_iou(const torch::Tensor& boxes_a,
                                          const torch::Tensor& boxes_b) {
  check_box_pair(boxes_a, boxes_b);
  const torch::Tensor a = to_compute_dtype(boxes_a);
  const torch::Tensor b = to_compute_dtype(boxes_b);
  const torch::Tensor lower_a = a.narrow(1, 0, 2);
  const torch::Tensor upper_a = a.narrow(1, 2, 2);
  const torch::Tensor lower_b = b.narrow(1, 0, 2);
  const torch::Tensor upper_b = b.narrow(1, 2, 2);
  const torch::Tensor intersection =
      span_area(torch::maximum(lower_a, lower_b), torch::minimum(upper_a, upper_b));
  const torch::Tensor union_area =
      span_area(lower_a, upper_a) + span_area(lower_b, upper_b) - intersection;
  const torch::Tensor hull =
      span_area(torch::minimum(lower_a, lower_b), torch::maximum(upper_a, upper_b));
  return safe_ratio(intersection, union_area) - safe_ratio(hull - union_area, hull);
}

torch::Tensor box_count_normaliser(const torch::Tensor& target_boxes,
                                   const Collective& collective) {
  check_boxes(target_boxes, "target_boxes");
  const torch::Tensor local_count = torch::full(
      at::IntArrayRef{}, static_cast<double>(target_boxes.size(0)),
      torch::dtype(compute_dtype(target_boxes.scalar_type())).device(target_boxes.device()));
  const torch::Tensor global_count = collective.all_reduce_sum(local_count);
  return (global_count / static_cast<double>(collective.world_size())).clamp_min(1.0);
}

torch::Tensor l1_box_loss(const torch::Tensor& pred_boxes, const torch::Tensor& target_boxes,
                          const torch::Tensor& normaliser) {
  check_box_pair(pred_boxes, target_boxes);
  if (uses_fused_kernels(pred_boxes)) {
    const DetectionInput input{pred_boxes, target_boxes, no_class_scores(pred_boxes),
                               no_class_scores(pred_boxes)};
    return fused_terms(input, normaliser, DetectionOptions{}).select(0, 1).to(
        pred_boxes.scalar_type());
  }
  return normalise(l1_sum(pred_boxes, target_boxes), normaliser).to(pred_boxes.scalar_type());
}

torch::Tensor generalized_iou_loss(const torch::Tensor& pred_boxes,
                                   const torch::Tensor& target_boxes,
                                   const torch::Tensor& normaliser) {
  if (uses_fused_kernels(pred_boxes)) {
    check_box_pair(pred_boxes, target_boxes);
    const DetectionInput input{pred_boxes, target_boxes, no_class_scores(pred_boxes),
                               no_class_scores(pred_boxes)};
    return fused_terms(input, normaliser, DetectionOptions{}).select(0, 2).to(
        pred_boxes.scalar_type());
  }
  return normalise(giou_sum(pred_boxes, target_boxes), normaliser).to(pred_boxes.scalar_type());
}

torch::Tensor sigmoid_focal_loss(const torch::Tensor& class_logits,
                                 const torch::Tensor& class_targets,
                                 const torch::Tensor& normaliser, double alpha, double gamma) {
  check_classes(class_logits, class_targets);
  const DetectionOptions options{1.0, 1.0, 1.0, alpha, gamma};
  check_options(options);
  if (uses_fused_kernels(class_logits)) {
    const DetectionInput input{no_boxes(class_logits), no_boxes(class_logits), class_logits,
                               class_targets};
    return fused_terms(input, normaliser, options).select(0, 3).to(class_logits.scalar_type());
  }
  return normalise(focal_sum(class_logits, class_targets, alpha, gamma), normaliser)
      .to(class_logits.scalar_type());
}

DetectionTerms detection_loss(const DetectionInput& input, const DetectionOptions& options,
                              const Collective& collective) {
  check_box_pair(input.pred_boxes, input.target_boxes);
  check_classes(input.class_logits, input.class_targets);
  check_options(options);
  TORCH_CHECK(input.pred_boxes.scalar_type() == input.class_logits.scalar_type(),
              "pred_boxes and class_logits must have the same dtype");
  const torch::Tensor normaliser = box_count_normaliser(input.target_boxes, collective);
  if (uses_fused_kernels(input.pred_boxes)) {
    return terms_from_vector(fused_terms(input, normaliser, options),
                             input.pred_boxes.scalar_type());
  }
  const torch::Tensor l1 = normalise(l1_sum(input.pred_boxes, input.target_boxes), normaliser);
  const torch::Tensor giou = normalise(giou_sum(input.pred_boxes, input.target_boxes), normaliser);
  const torch::Tensor focal = normalise(
      focal_sum(input.class_logits, input.class_targets, options.focal_alpha, options.focal_gamma),
      normaliser);
  const torch::Tensor total =
      options.l1_weight * l1 + options.giou_weight * giou + options.focal_weight * focal;
  const torch::ScalarType dtype = input.pred_boxes.scalar_type();
  return DetectionTerms{total.to(dtype), l1.to(dtype), giou.to(dtype), focal.to(dtype)};
}

DetectionTerms detection_loss(const DetectionInput& input, const DetectionOptions& options) {
  return detection_loss(input, options, SingleProcess{});
}

torch::Tensor reduce_for_logging(const torch::Tensor& loss, const Collective& collective) {
  TORCH_CHECK(loss.dim() == 0, "reduce_for_logging expects a 0-dim loss, got ", loss.sizes());
  const torch::Tensor summed = collective.all_reduce_sum(to_compute_dtype(loss.detach()));
  return (summed / static_cast<double>(collective.world_size())).to(loss.scalar_type());
}

}  // namespace torchlint_reference
