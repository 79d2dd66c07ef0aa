// Copyright (c) torchlint authors. The fused CUDA detection loss as a PyTorch operator:
//
//   torchlint_reference::detection_loss_terms(Tensor pred_boxes, Tensor target_boxes,
//       Tensor class_logits, Tensor class_targets, Tensor normaliser, float l1_weight,
//       float giou_weight, float focal_weight, float focal_alpha, float focal_gamma) -> Tensor
//
// registered for the CUDA dispatch key (the kernels of fused_detection_loss.cu) and the
// Autograd key (a torch::autograd::Function whose backward runs the fused backward kernels).
// C++ reaches it through detection_loss_terms() below, Python through
// torch.ops.torchlint_reference.detection_loss_terms once the shared library is loaded.
// Inputs are never modified: the kernels read them and write fresh tensors only.
#include "fused_detection_loss_op.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/autograd.h>
#include <torch/library.h>

#include <cstdint>
#include <vector>

#include "fused_detection_loss_kernels.h"

namespace torchlint_reference::fused {
namespace {

// The kernels' widest access, in bytes: every operand's base address is a multiple of it.
constexpr std::uintptr_t kAlignment = 16;

using TermsSignature = torch::Tensor(const torch::Tensor&, const torch::Tensor&,
                                     const torch::Tensor&, const torch::Tensor&,
                                     const torch::Tensor&, double, double, double, double, double);

// The operator, looked up once in the dispatcher.
const c10::TypedOperatorHandle<TermsSignature>& terms_operator() {
  static const c10::TypedOperatorHandle<TermsSignature> handle =
      c10::Dispatcher::singleton()
          .findSchemaOrThrow("torchlint_reference::detection_loss_terms", "")
          .typed<TermsSignature>();
  return handle;
}

// dtype: the inputs' floating dtype. Returns: float64 for float64, float32 otherwise.
torch::ScalarType accumulation_dtype(torch::ScalarType dtype) {
  return dtype == torch::kFloat64 ? torch::kFloat64 : torch::kFloat32;
}

StorageType storage_type(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kFloat16:
      return StorageType::kFloat16;
    case torch::kBFloat16:
      return StorageType::kBFloat16;
    case torch::kFloat32:
      return StorageType::kFloat32;
    case torch::kFloat64:
      return StorageType::kFloat64;
    default:
      break;
  }
  TORCH_CHECK(false, "detection_loss_terms: expected float16, bfloat16, float32 or float64 "
                     "inputs, got ",
              dtype);
}

// Throws c10::Error unless the operands are what the kernels expect.
void check_operands(const torch::Tensor& pred_boxes, const torch::Tensor& target_boxes,
                    const torch::Tensor& class_logits, const torch::Tensor& class_targets,
                    const torch::Tensor& normaliser) {
  TORCH_CHECK(pred_boxes.dim() == 2 && pred_boxes.size(1) == 4 &&
                  target_boxes.sizes() == pred_boxes.sizes(),
              "detection_loss_terms: pred_boxes and target_boxes must both be (N, 4), got ",
              pred_boxes.sizes(), " and ", target_boxes.sizes());
  TORCH_CHECK(class_logits.dim() == 2 && class_targets.sizes() == class_logits.sizes(),
              "detection_loss_terms: class_logits and class_targets must both be (M, C), got ",
              class_logits.sizes(), " and ", class_targets.sizes());
  const torch::ScalarType dtype = pred_boxes.scalar_type();
  TORCH_CHECK(target_boxes.scalar_type() == dtype && class_logits.scalar_type() == dtype &&
                  class_targets.scalar_type() == dtype,
              "detection_loss_terms: all four inputs must have one dtype");
  TORCH_CHECK(pred_boxes.is_cuda() && target_boxes.device() == pred_boxes.device() &&
                  class_logits.device() == pred_boxes.device() &&
                  class_targets.device() == pred_boxes.device(),
              "detection_loss_terms: all four inputs must be on one CUDA device");
  TORCH_CHECK(normaliser.numel() == 1, "detection_loss_terms: the normaliser must have one "
                                       "element, got ",
              normaliser.sizes());
}

// tensor: any strides. Returns: `tensor` itself when it is dense and 16-byte aligned (the
// usual case), else a dense copy (a fresh allocation, which is aligned).
torch::Tensor dense_aligned(const torch::Tensor& tensor) {
  const torch::Tensor dense = tensor.contiguous();
  const auto address = reinterpret_cast<std::uintptr_t>(dense.data_ptr());
  return address % kAlignment == 0 ? dense : dense.clone();
}

// The kernels' view of the operator's arguments: dense aligned inputs, and the normaliser
// as one element of the accumulation dtype on the inputs' device.
struct Operands {
  torch::Tensor pred_boxes;     // (N, 4)
  torch::Tensor target_boxes;   // (N, 4)
  torch::Tensor class_logits;   // (M, C)
  torch::Tensor class_targets;  // (M, C)
  torch::Tensor normaliser;     // () accumulation dtype
};

Operands prepare(const torch::Tensor& pred_boxes, const torch::Tensor& target_boxes,
                 const torch::Tensor& class_logits, const torch::Tensor& class_targets,
                 const torch::Tensor& normaliser) {
  const torch::ScalarType accumulation = accumulation_dtype(pred_boxes.scalar_type());
  return Operands{dense_aligned(pred_boxes), dense_aligned(target_boxes),
                  dense_aligned(class_logits), dense_aligned(class_targets),
                  normaliser.reshape({}).to(pred_boxes.device(), accumulation).contiguous()};
}

FusedInputs fused_inputs(const Operands& operands, const LossWeights& weights) {
  return FusedInputs{
      storage_type(operands.pred_boxes.scalar_type()),
      BoxPairs{operands.pred_boxes.data_ptr(), operands.target_boxes.data_ptr(),
               operands.pred_boxes.size(0)},
      ClassScores{operands.class_logits.data_ptr(), operands.class_targets.data_ptr(),
                  operands.class_logits.numel()},
      operands.normaliser.data_ptr(), weights};
}

cudaStream_t current_stream(const torch::Tensor& tensor) {
  return c10::cuda::getCurrentCUDAStream(tensor.get_device()).stream();
}

// Which of the four inputs want a gradient.
struct GradientRequest {
  bool pred_boxes;
  bool target_boxes;
  bool class_logits;
  bool class_targets;
};

// Gradient tensors shaped like the four inputs; undefined where none is written.
struct GradientBuffers {
  torch::Tensor pred_boxes;
  torch::Tensor target_boxes;
  torch::Tensor class_logits;
  torch::Tensor class_targets;
};

// like: a dense operand. Returns: an uninitialised tensor like it, or an undefined one.
torch::Tensor gradient_buffer(const torch::Tensor& like, bool wanted) {
  return wanted ? torch::empty(like.sizes(), like.options()) : torch::Tensor();
}

// Buffers for `request`; d pred_boxes (d class_logits) with any box (class) gradient, since the
// kernels always write it.
GradientBuffers gradient_buffers(const Operands& operands, const GradientRequest& request) {
  return GradientBuffers{
      gradient_buffer(operands.pred_boxes, request.pred_boxes || request.target_boxes),
      gradient_buffer(operands.target_boxes, request.target_boxes),
      gradient_buffer(operands.class_logits, request.class_logits || request.class_targets),
      gradient_buffer(operands.class_targets, request.class_targets)};
}

void* address_or_null(const torch::Tensor& tensor) {
  return tensor.defined() ? tensor.data_ptr() : nullptr;
}

FusedGradients addresses(const GradientBuffers& buffers) {
  return FusedGradients{address_or_null(buffers.pred_boxes), address_or_null(buffers.target_boxes),
                        address_or_null(buffers.class_logits),
                        address_or_null(buffers.class_targets)};
}

// The forward pass on prepared operands: returns (4,) total, l1, giou, focal, and writes the
// gradients of total into the defined `buffers`.
torch::Tensor forward_cuda(const Operands& operands, const LossWeights& weights,
                           const GradientBuffers& buffers) {
  const int device = operands.pred_boxes.get_device();
  const FusedInputs inputs = fused_inputs(operands, weights);
  const FusedGradients gradients = addresses(buffers);
  const ForwardPlan plan = plan_forward(inputs, device);
  const torch::TensorOptions accumulation = operands.normaliser.options();
  const torch::Tensor workspace = torch::empty({workspace_elements(plan)}, accumulation);
  const torch::Tensor terms = torch::empty({4}, accumulation);
  C10_CUDA_CHECK(launch_forward(inputs, plan, workspace.data_ptr(), terms.data_ptr(), gradients,
                                current_stream(operands.pred_boxes)));
  return terms;
}

// The CUDA kernel of the operator (no autograd): shapes as in fused_detection_loss_op.h.
torch::Tensor detection_loss_terms_cuda(const torch::Tensor& pred_boxes,
                                        const torch::Tensor& target_boxes,
                                        const torch::Tensor& class_logits,
                                        const torch::Tensor& class_targets,
                                        const torch::Tensor& normaliser, double l1_weight,
                                        double giou_weight, double focal_weight,
                                        double focal_alpha, double focal_gamma) {
  check_operands(pred_boxes, target_boxes, class_logits, class_targets, normaliser);
  const c10::cuda::CUDAGuard device_guard(pred_boxes.device());
  return forward_cuda(prepare(pred_boxes, target_boxes, class_logits, class_targets, normaliser),
                      LossWeights{l1_weight, giou_weight, focal_weight, focal_alpha, focal_gamma},
                      GradientBuffers{});
}

// saved: the operator's five tensor arguments; grad_terms: (4,) d out / d terms; precomputed:
// what the forward pass wrote (undefined where nothing). Returns: d out / d (pred_boxes,
// target_boxes, class_logits, class_targets), undefined where not requested. The forward
// pass's buffers are finished in place when they cover the request, else fresh ones are
// computed from the inputs.
torch::autograd::variable_list detection_loss_terms_backward_cuda(
    const torch::autograd::variable_list& saved, const torch::Tensor& grad_terms,
    const LossWeights& weights, const GradientRequest& request,
    const GradientBuffers& precomputed) {
  const c10::cuda::CUDAGuard device_guard(saved[0].device());
  const Operands operands = prepare(saved[0], saved[1], saved[2], saved[3], saved[4]);
  const torch::Tensor grad = grad_terms.to(operands.normaliser.options()).contiguous();
  const bool use_precomputed = (!request.pred_boxes || precomputed.pred_boxes.defined()) &&
                               (!request.target_boxes || precomputed.target_boxes.defined()) &&
                               (!request.class_logits || precomputed.class_logits.defined()) &&
                               (!request.class_targets || precomputed.class_targets.defined());
  const GradientBuffers buffers =
      use_precomputed ? precomputed : gradient_buffers(operands, request);
  C10_CUDA_CHECK(launch_backward(fused_inputs(operands, weights), grad.data_ptr(),
                                 addresses(buffers), use_precomputed, saved[0].get_device(),
                                 current_stream(saved[0])));
  const torch::Tensor none;
  return {request.pred_boxes ? buffers.pred_boxes : none,
          request.target_boxes ? buffers.target_boxes : none,
          request.class_logits ? buffers.class_logits : none,
          request.class_targets ? buffers.class_targets : none};
}

// Names of the forward pass's gradient buffers in an AutogradContext's saved_data.
constexpr const char* kPrecomputedNames[4] = {"d_pred_boxes", "d_target_boxes", "d_class_logits",
                                              "d_class_targets"};

void keep_precomputed(torch::autograd::AutogradContext* context,
                      const GradientBuffers& buffers) {
  const torch::Tensor tensors[4] = {buffers.pred_boxes, buffers.target_boxes,
                                    buffers.class_logits, buffers.class_targets};
  for (int i = 0; i < 4; ++i) {
    if (tensors[i].defined()) {
      context->saved_data[kPrecomputedNames[i]] = tensors[i];
    }
  }
}

// The forward pass's gradient buffers, removed from the context (the first backward pass
// hands them out; a second one, with retain_graph, recomputes).
GradientBuffers take_precomputed(torch::autograd::AutogradContext* context) {
  torch::Tensor tensors[4];
  for (int i = 0; i < 4; ++i) {
    const auto found = context->saved_data.find(kPrecomputedNames[i]);
    if (found != context->saved_data.end()) {
      tensors[i] = found->second.toTensor();
      context->saved_data.erase(found);
    }
  }
  return GradientBuffers{tensors[0], tensors[1], tensors[2], tensors[3]};
}

// The autograd node of the operator. Without gradients to come, forward re-dispatches below
// autograd to the CUDA kernel; with them, it runs the forward kernels that also write the
// gradients of total (the inputs are read once for both passes), and backward finishes those.
class DetectionLossTerms : public torch::autograd::Function<DetectionLossTerms> {
 public:
  // Shapes as detection_loss_terms_cuda; the doubles are the LossWeights fields in order;
  // precompute: whether gradients will be wanted (grad mode on, an input requiring them).
  static torch::Tensor forward(torch::autograd::AutogradContext* context,
                               const torch::Tensor& pred_boxes, const torch::Tensor& target_boxes,
                               const torch::Tensor& class_logits,
                               const torch::Tensor& class_targets,
                               const torch::Tensor& normaliser, double l1_weight,
                               double giou_weight, double focal_weight, double focal_alpha,
                               double focal_gamma, bool precompute) {
    context->save_for_backward({pred_boxes, target_boxes, class_logits, class_targets, normaliser});
    context->saved_data["weights"] =
        std::vector<double>{l1_weight, giou_weight, focal_weight, focal_alpha, focal_gamma};
    if (!precompute) {
      const at::AutoDispatchBelowADInplaceOrView below_autograd;
      return terms_operator().call(pred_boxes, target_boxes, class_logits, class_targets,
                                   normaliser, l1_weight, giou_weight, focal_weight, focal_alpha,
                                   focal_gamma);
    }
    check_operands(pred_boxes, target_boxes, class_logits, class_targets, normaliser);
    const c10::cuda::CUDAGuard device_guard(pred_boxes.device());
    const Operands operands =
        prepare(pred_boxes, target_boxes, class_logits, class_targets, normaliser);
    const GradientBuffers buffers = gradient_buffers(
        operands, GradientRequest{pred_boxes.requires_grad(), target_boxes.requires_grad(),
                                  class_logits.requires_grad(), class_targets.requires_grad()});
    keep_precomputed(context, buffers);
    return forward_cuda(
        operands, LossWeights{l1_weight, giou_weight, focal_weight, focal_alpha, focal_gamma},
        buffers);
  }

  // grad_outputs: {(4,) d out / d terms}. Returns: one gradient per forward argument (the
  // normaliser, the five doubles and the flag get none).
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* context,
                                                 torch::autograd::variable_list grad_outputs) {
    TORCH_CHECK(!at::GradMode::is_enabled(),
                "detection_loss_terms: double backward (create_graph=True) is not supported");
    const std::vector<double> weights = context->saved_data["weights"].toDoubleVector();
    const GradientRequest request{context->needs_input_grad(0), context->needs_input_grad(1),
                                  context->needs_input_grad(2), context->needs_input_grad(3)};
    const torch::autograd::variable_list grads = detection_loss_terms_backward_cuda(
        context->get_saved_variables(), grad_outputs[0],
        LossWeights{weights[0], weights[1], weights[2], weights[3], weights[4]}, request,
        take_precomputed(context));
    const torch::Tensor none;
    return {grads[0], grads[1], grads[2], grads[3], none, none, none, none, none, none, none};
  }
};

// The Autograd kernel of the operator.
torch::Tensor detection_loss_terms_autograd(const torch::Tensor& pred_boxes,
                                            const torch::Tensor& target_boxes,
                                            const torch::Tensor& class_logits,
                                            const torch::Tensor& class_targets,
                                            const torch::Tensor& normaliser, double l1_weight,
                                            double giou_weight, double focal_weight,
                                            double focal_alpha, double focal_gamma) {
  const bool precompute = at::GradMode::is_enabled() &&
                          (pred_boxes.requires_grad() || target_boxes.requires_grad() ||
                           class_logits.requires_grad() || class_targets.requires_grad());
  return DetectionLossTerms::apply(pred_boxes, target_boxes, class_logits, class_targets,
                                   normaliser, l1_weight, giou_weight, focal_weight, focal_alpha,
                                   focal_gamma, precompute);
}

}  // namespace

torch::Tensor detection_loss_terms(const DetectionInput& input, const torch::Tensor& normaliser,
                                   const DetectionOptions& options) {
  return terms_operator().call(input.pred_boxes, input.target_boxes, input.class_logits,
                               input.class_targets, normaliser, options.l1_weight,
                               options.giou_weight, options.focal_weight, options.focal_alpha,
                               options.focal_gamma);
}

}  // namespace torchlint_reference::fused

TORCH_LIBRARY(torchlint_reference, library) {
  library.def(
      "detection_loss_terms(Tensor pred_boxes, Tensor target_boxes, Tensor class_logits, "
      "Tensor class_targets, Tensor normaliser, float l1_weight, float giou_weight, "
      "float focal_weight, float focal_alpha, float focal_gamma) -> Tensor");
}

TORCH_LIBRARY_IMPL(torchlint_reference, CUDA, library) {
  library.impl("detection_loss_terms", &torchlint_reference::fused::detection_loss_terms_cuda);
}

TORCH_LIBRARY_IMPL(torchlint_reference, Autograd, library) {
  library.impl("detection_loss_terms",
               &torchlint_reference::fused::detection_loss_terms_autograd);
}
