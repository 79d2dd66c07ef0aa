// Copyright (c) torchlint authors. Fused CUDA kernels of the detection loss: one pass over the
// box pairs for L1 + GIoU, one over the (M, C) class scores for the sigmoid focal loss, each
// with a fused backward. See fused_detection_loss_kernels.h for the interface and
// fused_detection_loss_math.cuh for the per-element math.
//
// Memory traffic is the cost here (a few dozen flops per byte), so each thread streams
// 16-byte-aligned packs (a whole box; 8 class entries) through a grid-stride loop over a grid
// that fills the device once. Reductions are deterministic: every block writes its partial
// sum to a workspace slot, and one more block adds the slots in a fixed order (no
// floating-point atomics), so the same inputs on the same device give bit-identical results.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "fused_detection_loss_kernels.h"
#include "fused_detection_loss_math.cuh"

namespace torchlint_reference::fused {
namespace {

constexpr int kThreads = 256;
constexpr int kWarpSize = 32;
constexpr unsigned kFullWarp = 0xFFFFFFFFU;
constexpr int kEntriesPerStep = 8;           // class entries a thread handles per step
constexpr int kFinalizeThreads = 256;

// ----------------------------------------------------------------- storage and packing

// How a storage type widens to its accumulation type and narrows back (round to nearest).
template <typename S>
struct Storage;

template <>
struct Storage<__half> {
  using Accumulation = float;
  __device__ static float widen(__half value) { return __half2float(value); }
  __device__ static __half narrow(float value) { return __float2half_rn(value); }
};

template <>
struct Storage<__nv_bfloat16> {
  using Accumulation = float;
  __device__ static float widen(__nv_bfloat16 value) { return __bfloat162float(value); }
  __device__ static __nv_bfloat16 narrow(float value) { return __float2bfloat16_rn(value); }
};

template <>
struct Storage<float> {
  using Accumulation = float;
  __device__ static float widen(float value) { return value; }
  __device__ static float narrow(float value) { return value; }
};

template <>
struct Storage<double> {
  using Accumulation = double;
  __device__ static double widen(double value) { return value; }
  __device__ static double narrow(double value) { return value; }
};

template <typename S>
using Acc = typename Storage<S>::Accumulation;

// kCount consecutive values, loaded and stored as one access (16 bytes at most each).
template <typename S, int kCount>
struct alignas(sizeof(S) * kCount < 16 ? sizeof(S) * kCount : 16) Pack {
  S values[kCount];
};

template <typename S>
__device__ __forceinline__ Box<Acc<S>> load_box(const S* __restrict__ boxes, std::int64_t index) {
  const Pack<S, 4> pack = reinterpret_cast<const Pack<S, 4>*>(boxes)[index];
  return Box<Acc<S>>{Storage<S>::widen(pack.values[0]), Storage<S>::widen(pack.values[1]),
                     Storage<S>::widen(pack.values[2]), Storage<S>::widen(pack.values[3])};
}

template <typename S>
__device__ __forceinline__ void store_box(S* __restrict__ boxes, std::int64_t index,
                                          const Box<Acc<S>>& box) {
  Pack<S, 4> pack;
  pack.values[0] = Storage<S>::narrow(box.x0);
  pack.values[1] = Storage<S>::narrow(box.y0);
  pack.values[2] = Storage<S>::narrow(box.x1);
  pack.values[3] = Storage<S>::narrow(box.y1);
  reinterpret_cast<Pack<S, 4>*>(boxes)[index] = pack;
}

template <typename S>
__device__ __forceinline__ Pack<S, kEntriesPerStep> load_entries(const S* __restrict__ values,
                                                                 std::int64_t step) {
  return reinterpret_cast<const Pack<S, kEntriesPerStep>*>(values)[step];
}

template <typename S>
__device__ __forceinline__ void store_entries(S* __restrict__ values, std::int64_t step,
                                              const Pack<S, kEntriesPerStep>& pack) {
  reinterpret_cast<Pack<S, kEntriesPerStep>*>(values)[step] = pack;
}

// --------------------------------------------------------------------------- reductions

template <typename T>
__device__ __forceinline__ T warp_sum(T value) {
  T total = value;
#pragma unroll
  for (int offset = kWarpSize / 2; offset > 0; offset /= 2) {
    total += __shfl_down_sync(kFullWarp, total, offset);
  }
  return total;
}

// The sum of `value` over the block's kBlockThreads threads, always added in the same order;
// the result is valid in thread 0. Every thread of the block must call it.
template <typename T, int kBlockThreads>
__device__ __forceinline__ T block_sum(T value) {
  __shared__ T warp_totals[kBlockThreads / kWarpSize];
  const T warp_total = warp_sum(value);
  if (threadIdx.x % kWarpSize == 0) {
    warp_totals[threadIdx.x / kWarpSize] = warp_total;
  }
  __syncthreads();
  const T partial = threadIdx.x < kBlockThreads / kWarpSize ? warp_totals[threadIdx.x] : T(0);
  __syncthreads();  // warp_totals is free for the next call
  return warp_sum(partial);
}

__device__ __forceinline__ std::int64_t first_index() {
  return static_cast<std::int64_t>(blockIdx.x) * kThreads + threadIdx.x;
}

__device__ __forceinline__ std::int64_t grid_stride() {
  return static_cast<std::int64_t>(gridDim.x) * kThreads;
}

// (d out / d total * weight + d out / d term) / normaliser: the gradient of one term's sum.
template <typename T>
__device__ __forceinline__ T sum_gradient(const T* __restrict__ grad_terms, int term,
                                          double weight, const T* __restrict__ normaliser) {
  return (grad_terms[term] + static_cast<T>(weight) * grad_terms[0]) / normaliser[0];
}

template <typename T>
__device__ __forceinline__ FocalParameters<T> focal_parameters(const LossWeights& weights) {
  return FocalParameters<T>{static_cast<T>(weights.alpha), static_cast<T>(weights.gamma)};
}

// ------------------------------------------------------------------------------ kernels

// partials[block] = sum of this block's L1 terms, partials[gridDim.x + block] = its GIoU terms.
template <typename S>
__global__ void __launch_bounds__(kThreads)
    box_forward_kernel(const S* __restrict__ pred, const S* __restrict__ target,
                       std::int64_t count, Acc<S>* __restrict__ partials) {
  using T = Acc<S>;
  T l1 = T(0);
  T giou = T(0);
  for (std::int64_t index = first_index(); index < count; index += grid_stride()) {
    const BoxTerms<T> terms = box_terms(load_box(pred, index), load_box(target, index));
    l1 += terms.l1;
    giou += terms.giou;
  }
  const T block_l1 = block_sum<T, kThreads>(l1);
  const T block_giou = block_sum<T, kThreads>(giou);
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = block_l1;
    partials[gridDim.x + blockIdx.x] = block_giou;
  }
}

// partials[block] = sum of this block's focal terms.
template <typename S>
__global__ void __launch_bounds__(kThreads)
    focal_forward_kernel(const S* __restrict__ logits, const S* __restrict__ targets,
                         std::int64_t count, FocalParameters<Acc<S>> parameters,
                         Acc<S>* __restrict__ partials) {
  using T = Acc<S>;
  T sum = T(0);
  const std::int64_t steps = count / kEntriesPerStep;
  for (std::int64_t step = first_index(); step < steps; step += grid_stride()) {
    const Pack<S, kEntriesPerStep> x = load_entries(logits, step);
    const Pack<S, kEntriesPerStep> t = load_entries(targets, step);
#pragma unroll
    for (int k = 0; k < kEntriesPerStep; ++k) {
      sum += focal_term(Storage<S>::widen(x.values[k]), Storage<S>::widen(t.values[k]), parameters);
    }
  }
  for (std::int64_t entry = steps * kEntriesPerStep + first_index(); entry < count;
       entry += grid_stride()) {
    sum += focal_term(Storage<S>::widen(logits[entry]), Storage<S>::widen(targets[entry]),
                      parameters);
  }
  const T block_total = block_sum<T, kThreads>(sum);
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = block_total;
  }
}

// One block: adds the partial sums in a fixed order and writes total, l1, giou, focal.
template <typename T>
__global__ void __launch_bounds__(kFinalizeThreads)
    finalize_kernel(const T* __restrict__ partials, ForwardPlan plan,
                    const T* __restrict__ normaliser, LossWeights weights, T* __restrict__ terms) {
  T l1 = T(0);
  T giou = T(0);
  T focal = T(0);
  for (int block = threadIdx.x; block < plan.box_blocks; block += kFinalizeThreads) {
    l1 += partials[block];
    giou += partials[plan.box_blocks + block];
  }
  for (int block = threadIdx.x; block < plan.focal_blocks; block += kFinalizeThreads) {
    focal += partials[2 * plan.box_blocks + block];
  }
  const T l1_sum = block_sum<T, kFinalizeThreads>(l1);
  const T giou_sum = block_sum<T, kFinalizeThreads>(giou);
  const T focal_sum = block_sum<T, kFinalizeThreads>(focal);
  if (threadIdx.x == 0) {
    const T l1_mean = l1_sum / normaliser[0];
    const T giou_mean = giou_sum / normaliser[0];
    const T focal_mean = focal_sum / normaliser[0];
    terms[0] = static_cast<T>(weights.l1) * l1_mean + static_cast<T>(weights.giou) * giou_mean +
               static_cast<T>(weights.focal) * focal_mean;
    terms[1] = l1_mean;
    terms[2] = giou_mean;
    terms[3] = focal_mean;
  }
}

// grad_pred (and grad_target when kTargetGradient) = d out / d boxes.
template <typename S, bool kTargetGradient>
__global__ void __launch_bounds__(kThreads)
    box_backward_kernel(const S* __restrict__ pred, const S* __restrict__ target,
                        std::int64_t count, const Acc<S>* __restrict__ grad_terms,
                        const Acc<S>* __restrict__ normaliser, LossWeights weights,
                        S* __restrict__ grad_pred, S* __restrict__ grad_target) {
  using T = Acc<S>;
  const T l1_scale = sum_gradient(grad_terms, 1, weights.l1, normaliser);
  const T giou_scale = sum_gradient(grad_terms, 2, weights.giou, normaliser);
  for (std::int64_t index = first_index(); index < count; index += grid_stride()) {
    const BoxPairGradient<T> gradient =
        box_gradient(load_box(pred, index), load_box(target, index), l1_scale, giou_scale);
    store_box(grad_pred, index, gradient.pred);
    if constexpr (kTargetGradient) {
      store_box(grad_target, index, gradient.target);
    }
  }
}

// grad_logits (and grad_targets when kTargetGradient) = d out / d class scores.
template <typename S, bool kTargetGradient>
__global__ void __launch_bounds__(kThreads)
    focal_backward_kernel(const S* __restrict__ logits, const S* __restrict__ targets,
                          std::int64_t count, const Acc<S>* __restrict__ grad_terms,
                          const Acc<S>* __restrict__ normaliser, LossWeights weights,
                          S* __restrict__ grad_logits, S* __restrict__ grad_targets) {
  using T = Acc<S>;
  const FocalParameters<T> parameters = focal_parameters<T>(weights);
  const T scale = sum_gradient(grad_terms, 3, weights.focal, normaliser);
  const std::int64_t steps = count / kEntriesPerStep;
  for (std::int64_t step = first_index(); step < steps; step += grid_stride()) {
    const Pack<S, kEntriesPerStep> x = load_entries(logits, step);
    const Pack<S, kEntriesPerStep> t = load_entries(targets, step);
    Pack<S, kEntriesPerStep> d_logits;
    Pack<S, kEntriesPerStep> d_targets;
#pragma unroll
    for (int k = 0; k < kEntriesPerStep; ++k) {
      const FocalGradient<T> gradient = focal_gradient(
          Storage<S>::widen(x.values[k]), Storage<S>::widen(t.values[k]), parameters, scale);
      d_logits.values[k] = Storage<S>::narrow(gradient.logit);
      d_targets.values[k] = Storage<S>::narrow(gradient.target);
    }
    store_entries(grad_logits, step, d_logits);
    if constexpr (kTargetGradient) {
      store_entries(grad_targets, step, d_targets);
    }
  }
  for (std::int64_t entry = steps * kEntriesPerStep + first_index(); entry < count;
       entry += grid_stride()) {
    const FocalGradient<T> gradient = focal_gradient(
        Storage<S>::widen(logits[entry]), Storage<S>::widen(targets[entry]), parameters, scale);
    grad_logits[entry] = Storage<S>::narrow(gradient.logit);
    if constexpr (kTargetGradient) {
      grad_targets[entry] = Storage<S>::narrow(gradient.target);
    }
  }
}

// ---------------------------------------------------------------------------- launching

int multiprocessor_count(int device) {
  int count = 0;
  const cudaError_t error = cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device);
  return error == cudaSuccess && count > 0 ? count : 1;
}

// Blocks of `kernel` that the device holds at once: a grid of this size runs in one wave, so
// the grid-stride loops give every block the same share of the work.
template <typename Kernel>
std::int64_t resident_blocks(Kernel kernel, int device) {
  int per_multiprocessor = 0;
  const cudaError_t error =
      cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_multiprocessor, kernel, kThreads, 0);
  const int blocks = error == cudaSuccess && per_multiprocessor > 0 ? per_multiprocessor : 1;
  return std::int64_t{blocks} * multiprocessor_count(device);
}

// Blocks of kThreads for `items` work items: one item per thread, at most one full wave.
template <typename Kernel>
int streaming_blocks(Kernel kernel, std::int64_t items, int device) {
  if (items <= 0) {
    return 0;
  }
  const std::int64_t wanted = (items + kThreads - 1) / kThreads;
  return static_cast<int>(std::min(wanted, resident_blocks(kernel, device)));
}

std::int64_t focal_steps(std::int64_t entries) {
  return (entries + kEntriesPerStep - 1) / kEntriesPerStep;
}

template <typename S>
const S* typed(const void* pointer) {
  return static_cast<const S*>(pointer);
}

template <typename S>
S* typed_mutable(void* pointer) {
  return static_cast<S*>(pointer);
}

template <typename S>
cudaError_t forward_for(const FusedInputs& inputs, const ForwardPlan& plan, void* workspace,
                        void* terms, cudaStream_t stream) {
  using T = Acc<S>;
  T* partials = typed_mutable<T>(workspace);
  if (plan.box_blocks > 0) {
    box_forward_kernel<S><<<plan.box_blocks, kThreads, 0, stream>>>(
        typed<S>(inputs.boxes.pred), typed<S>(inputs.boxes.target), inputs.boxes.count, partials);
  }
  if (plan.focal_blocks > 0) {
    focal_forward_kernel<S><<<plan.focal_blocks, kThreads, 0, stream>>>(
        typed<S>(inputs.classes.logits), typed<S>(inputs.classes.targets), inputs.classes.count,
        focal_parameters<T>(inputs.weights), partials + 2 * std::int64_t{plan.box_blocks});
  }
  finalize_kernel<T><<<1, kFinalizeThreads, 0, stream>>>(
      partials, plan, typed<T>(inputs.normaliser), inputs.weights, typed_mutable<T>(terms));
  return cudaGetLastError();
}

template <typename S>
void launch_box_backward(const FusedInputs& inputs, const void* grad_terms,
                         const FusedGradients& gradients, int device, cudaStream_t stream) {
  using T = Acc<S>;
  const auto kernel = gradients.target_boxes != nullptr ? box_backward_kernel<S, true>
                                                        : box_backward_kernel<S, false>;
  const int blocks = streaming_blocks(kernel, inputs.boxes.count, device);
  if (blocks == 0 || gradients.pred_boxes == nullptr) {
    return;
  }
  kernel<<<blocks, kThreads, 0, stream>>>(
      typed<S>(inputs.boxes.pred), typed<S>(inputs.boxes.target), inputs.boxes.count,
      typed<T>(grad_terms), typed<T>(inputs.normaliser), inputs.weights,
      typed_mutable<S>(gradients.pred_boxes), typed_mutable<S>(gradients.target_boxes));
}

template <typename S>
void launch_focal_backward(const FusedInputs& inputs, const void* grad_terms,
                           const FusedGradients& gradients, int device, cudaStream_t stream) {
  using T = Acc<S>;
  const auto kernel = gradients.class_targets != nullptr ? focal_backward_kernel<S, true>
                                                         : focal_backward_kernel<S, false>;
  const int blocks = streaming_blocks(kernel, focal_steps(inputs.classes.count), device);
  if (blocks == 0 || gradients.class_logits == nullptr) {
    return;
  }
  kernel<<<blocks, kThreads, 0, stream>>>(
      typed<S>(inputs.classes.logits), typed<S>(inputs.classes.targets), inputs.classes.count,
      typed<T>(grad_terms), typed<T>(inputs.normaliser), inputs.weights,
      typed_mutable<S>(gradients.class_logits), typed_mutable<S>(gradients.class_targets));
}

template <typename S>
ForwardPlan plan_for(std::int64_t num_boxes, std::int64_t num_entries, int device) {
  return ForwardPlan{streaming_blocks(box_forward_kernel<S>, num_boxes, device),
                     streaming_blocks(focal_forward_kernel<S>, focal_steps(num_entries), device)};
}

template <typename S>
cudaError_t backward_for(const FusedInputs& inputs, const void* grad_terms,
                         const FusedGradients& gradients, int device, cudaStream_t stream) {
  launch_box_backward<S>(inputs, grad_terms, gradients, device, stream);
  const cudaError_t box_error = cudaGetLastError();
  if (box_error != cudaSuccess) {
    return box_error;
  }
  launch_focal_backward<S>(inputs, grad_terms, gradients, device, stream);
  return cudaGetLastError();
}

}  // namespace

std::int64_t workspace_elements(const ForwardPlan& plan) {
  return 2 * std::int64_t{plan.box_blocks} + plan.focal_blocks;
}

ForwardPlan plan_forward(StorageType storage, std::int64_t num_boxes, std::int64_t num_entries,
                         int device) {
  switch (storage) {
    case StorageType::kFloat16:
      return plan_for<__half>(num_boxes, num_entries, device);
    case StorageType::kBFloat16:
      return plan_for<__nv_bfloat16>(num_boxes, num_entries, device);
    case StorageType::kFloat32:
      return plan_for<float>(num_boxes, num_entries, device);
    case StorageType::kFloat64:
      return plan_for<double>(num_boxes, num_entries, device);
  }
  return ForwardPlan{0, 0};
}

cudaError_t launch_forward(const FusedInputs& inputs, const ForwardPlan& plan, void* workspace,
                           void* terms, cudaStream_t stream) {
  switch (inputs.storage) {
    case StorageType::kFloat16:
      return forward_for<__half>(inputs, plan, workspace, terms, stream);
    case StorageType::kBFloat16:
      return forward_for<__nv_bfloat16>(inputs, plan, workspace, terms, stream);
    case StorageType::kFloat32:
      return forward_for<float>(inputs, plan, workspace, terms, stream);
    case StorageType::kFloat64:
      return forward_for<double>(inputs, plan, workspace, terms, stream);
  }
  return cudaErrorInvalidValue;
}

cudaError_t launch_backward(const FusedInputs& inputs, const void* grad_terms,
                            const FusedGradients& gradients, int device, cudaStream_t stream) {
  switch (inputs.storage) {
    case StorageType::kFloat16:
      return backward_for<__half>(inputs, grad_terms, gradients, device, stream);
    case StorageType::kBFloat16:
      return backward_for<__nv_bfloat16>(inputs, grad_terms, gradients, device, stream);
    case StorageType::kFloat32:
      return backward_for<float>(inputs, grad_terms, gradients, device, stream);
    case StorageType::kFloat64:
      return backward_for<double>(inputs, grad_terms, gradients, device, stream);
  }
  return cudaErrorInvalidValue;
}

}  // namespace torchlint_reference::fused
