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
//
// When gradients will be wanted, the forward pass also writes them, for the usual upstream
// gradient d out / d total = 1 (`total.backward()`): the inputs are then read once for both
// passes. The backward pass finishes them on the device: nothing to do for that upstream
// gradient, a rescale for any other multiple of d total (loss scaling), a recomputation from
// the inputs for anything else (gradients through l1, giou or focal themselves).
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <unordered_map>

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

// sum_gradient for d out / d terms = (1, 0, 0, 0), bit for bit: weight / normaliser.
template <typename T>
__device__ __forceinline__ T unit_sum_gradient(double weight, const T* __restrict__ normaliser) {
  return (T(0) + static_cast<T>(weight) * T(1)) / normaliser[0];
}

// How the backward pass finishes gradients the forward pass wrote for d out / d total = 1.
enum class Finish { kDone, kRescale, kRecompute };

// grad_terms: d out / d (total, l1, giou, focal); own_terms: which of l1, giou, focal feed
// this gradient. A multiple c of d total alone scales it by c; anything else recomputes.
template <typename T>
__device__ __forceinline__ Finish finish_mode(const T* __restrict__ grad_terms, bool boxes) {
  const bool through_terms = boxes ? grad_terms[1] != T(0) || grad_terms[2] != T(0)
                                   : grad_terms[3] != T(0);
  if (through_terms) {
    return Finish::kRecompute;
  }
  return grad_terms[0] == T(1) ? Finish::kDone : Finish::kRescale;
}

template <typename S>
__device__ __forceinline__ Box<Acc<S>> scaled_box(const S* boxes, std::int64_t index,
                                                  Acc<S> factor) {
  const Pack<S, 4> pack = reinterpret_cast<const Pack<S, 4>*>(boxes)[index];
  return Box<Acc<S>>{Storage<S>::widen(pack.values[0]) * factor,
                     Storage<S>::widen(pack.values[1]) * factor,
                     Storage<S>::widen(pack.values[2]) * factor,
                     Storage<S>::widen(pack.values[3]) * factor};
}

// The focal parameters in the accumulation type; kGammaTwo makes gamma the constant 2 (the
// usual value), which folds the modulating factor into one product at compile time.
template <typename T, bool kGammaTwo>
__host__ __device__ __forceinline__ FocalParameters<T> focal_parameters(double alpha,
                                                                        double gamma) {
  return FocalParameters<T>{static_cast<T>(alpha), kGammaTwo ? T(2) : static_cast<T>(gamma)};
}

// ------------------------------------------------------------------------ device passes

// grad_pred (and grad_target when kTargetGradient) = the scaled gradients of every pair.
template <typename S, bool kTargetGradient>
__device__ __forceinline__ void write_box_gradients(const S* __restrict__ pred,
                                                    const S* __restrict__ target,
                                                    std::int64_t count, Acc<S> l1_scale,
                                                    Acc<S> giou_scale, S* __restrict__ grad_pred,
                                                    S* __restrict__ grad_target) {
  for (std::int64_t index = first_index(); index < count; index += grid_stride()) {
    const BoxPairGradient<Acc<S>> gradient =
        box_gradient(load_box(pred, index), load_box(target, index), l1_scale, giou_scale);
    store_box(grad_pred, index, gradient.pred);
    if constexpr (kTargetGradient) {
      store_box(grad_target, index, gradient.target);
    }
  }
}

// grad_pred (and grad_target) *= factor, element by element (each thread its own boxes).
template <typename S, bool kTargetGradient>
__device__ __forceinline__ void rescale_box_gradients(std::int64_t count, Acc<S> factor,
                                                      S* grad_pred, S* grad_target) {
  for (std::int64_t index = first_index(); index < count; index += grid_stride()) {
    store_box(grad_pred, index, scaled_box(grad_pred, index, factor));
    if constexpr (kTargetGradient) {
      store_box(grad_target, index, scaled_box(grad_target, index, factor));
    }
  }
}

// One pack of class entries: their focal terms added to `sum`, and, with kGradient, their
// gradients (times `scale`) written.
template <typename S, bool kGradient, bool kTargetGradient>
__device__ __forceinline__ Acc<S> focal_step(const S* __restrict__ logits,
                                             const S* __restrict__ targets, std::int64_t step,
                                             const FocalParameters<Acc<S>>& parameters,
                                             Acc<S> scale, S* __restrict__ grad_logits,
                                             S* __restrict__ grad_targets) {
  using T = Acc<S>;
  const Pack<S, kEntriesPerStep> x = load_entries(logits, step);
  const Pack<S, kEntriesPerStep> t = load_entries(targets, step);
  Pack<S, kEntriesPerStep> d_logits;
  Pack<S, kEntriesPerStep> d_targets;
  T sum = T(0);
#pragma unroll
  for (int k = 0; k < kEntriesPerStep; ++k) {
    const T logit = Storage<S>::widen(x.values[k]);
    const T target = Storage<S>::widen(t.values[k]);
    sum += focal_term(logit, target, parameters);
    if constexpr (kGradient) {
      const FocalGradient<T> gradient = focal_gradient(logit, target, parameters, scale);
      d_logits.values[k] = Storage<S>::narrow(gradient.logit);
      d_targets.values[k] = Storage<S>::narrow(gradient.target);
    }
  }
  if constexpr (kGradient) {
    store_entries(grad_logits, step, d_logits);
  }
  if constexpr (kGradient && kTargetGradient) {
    store_entries(grad_targets, step, d_targets);
  }
  return sum;
}

// One class entry, as focal_step.
template <typename S, bool kGradient, bool kTargetGradient>
__device__ __forceinline__ Acc<S> focal_entry(const S* __restrict__ logits,
                                              const S* __restrict__ targets, std::int64_t entry,
                                              const FocalParameters<Acc<S>>& parameters,
                                              Acc<S> scale, S* __restrict__ grad_logits,
                                              S* __restrict__ grad_targets) {
  using T = Acc<S>;
  const T logit = Storage<S>::widen(logits[entry]);
  const T target = Storage<S>::widen(targets[entry]);
  if constexpr (kGradient) {
    const FocalGradient<T> gradient = focal_gradient(logit, target, parameters, scale);
    grad_logits[entry] = Storage<S>::narrow(gradient.logit);
    if constexpr (kTargetGradient) {
      grad_targets[entry] = Storage<S>::narrow(gradient.target);
    }
  }
  return focal_term(logit, target, parameters);
}

// Every class entry: the sum of the focal terms (and, with kGradient, their gradients).
template <typename S, bool kGradient, bool kTargetGradient>
__device__ __forceinline__ Acc<S> focal_pass(const S* __restrict__ logits,
                                             const S* __restrict__ targets, std::int64_t count,
                                             const FocalParameters<Acc<S>>& parameters,
                                             Acc<S> scale, S* __restrict__ grad_logits,
                                             S* __restrict__ grad_targets) {
  Acc<S> sum = Acc<S>(0);
  const std::int64_t steps = count / kEntriesPerStep;
  for (std::int64_t step = first_index(); step < steps; step += grid_stride()) {
    sum += focal_step<S, kGradient, kTargetGradient>(logits, targets, step, parameters, scale,
                                                     grad_logits, grad_targets);
  }
  for (std::int64_t entry = steps * kEntriesPerStep + first_index(); entry < count;
       entry += grid_stride()) {
    sum += focal_entry<S, kGradient, kTargetGradient>(logits, targets, entry, parameters, scale,
                                                      grad_logits, grad_targets);
  }
  return sum;
}

// grad_logits (and grad_targets) *= factor.
template <typename S, bool kTargetGradient>
__device__ __forceinline__ void rescale_focal_gradients(std::int64_t count, Acc<S> factor,
                                                        S* grad_logits, S* grad_targets) {
  for (std::int64_t entry = first_index(); entry < count; entry += grid_stride()) {
    grad_logits[entry] = Storage<S>::narrow(Storage<S>::widen(grad_logits[entry]) * factor);
    if constexpr (kTargetGradient) {
      grad_targets[entry] = Storage<S>::narrow(Storage<S>::widen(grad_targets[entry]) * factor);
    }
  }
}

// ------------------------------------------------------------------------------ kernels

// partials[block] = sum of this block's L1 terms, partials[gridDim.x + block] = its GIoU
// terms; with kGradient also the gradients for d out / d total = 1.
template <typename S, bool kGradient, bool kTargetGradient>
__global__ void __launch_bounds__(kThreads)
    box_forward_kernel(const S* __restrict__ pred, const S* __restrict__ target,
                       std::int64_t count, const Acc<S>* __restrict__ normaliser,
                       LossWeights weights, Acc<S>* __restrict__ partials,
                       S* __restrict__ grad_pred, S* __restrict__ grad_target) {
  using T = Acc<S>;
  const T l1_scale = kGradient ? unit_sum_gradient(weights.l1, normaliser) : T(0);
  const T giou_scale = kGradient ? unit_sum_gradient(weights.giou, normaliser) : T(0);
  T l1 = T(0);
  T giou = T(0);
  for (std::int64_t index = first_index(); index < count; index += grid_stride()) {
    const Box<T> p = load_box(pred, index);
    const Box<T> t = load_box(target, index);
    const BoxTerms<T> terms = box_terms(p, t);
    l1 += terms.l1;
    giou += terms.giou;
    if constexpr (kGradient) {
      const BoxPairGradient<T> gradient = box_gradient(p, t, l1_scale, giou_scale);
      store_box(grad_pred, index, gradient.pred);
      if constexpr (kTargetGradient) {
        store_box(grad_target, index, gradient.target);
      }
    }
  }
  const T block_l1 = block_sum<T, kThreads>(l1);
  const T block_giou = block_sum<T, kThreads>(giou);
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = block_l1;
    partials[gridDim.x + blockIdx.x] = block_giou;
  }
}

// partials[block] = sum of this block's focal terms; with kGradient also the gradients for
// d out / d total = 1.
template <typename S, bool kGammaTwo, bool kGradient, bool kTargetGradient>
__global__ void __launch_bounds__(kThreads)
    focal_forward_kernel(const S* __restrict__ logits, const S* __restrict__ targets,
                         std::int64_t count, const Acc<S>* __restrict__ normaliser,
                         LossWeights weights, Acc<S>* __restrict__ partials,
                         S* __restrict__ grad_logits, S* __restrict__ grad_targets) {
  using T = Acc<S>;
  const FocalParameters<T> parameters = focal_parameters<T, kGammaTwo>(weights.alpha, weights.gamma);
  const T scale = kGradient ? unit_sum_gradient(weights.focal, normaliser) : T(0);
  const T sum = focal_pass<S, kGradient, kTargetGradient>(logits, targets, count, parameters,
                                                          scale, grad_logits, grad_targets);
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

// The backward pass over the boxes. kPrecomputed: grad_pred / grad_target hold the forward
// pass's gradients for d out / d total = 1, finished here; else they are written afresh.
template <typename S, bool kTargetGradient, bool kPrecomputed>
__global__ void __launch_bounds__(kThreads)
    box_backward_kernel(const S* __restrict__ pred, const S* __restrict__ target,
                        std::int64_t count, const Acc<S>* __restrict__ grad_terms,
                        const Acc<S>* __restrict__ normaliser, LossWeights weights,
                        S* grad_pred, S* grad_target) {
  const Finish mode = kPrecomputed ? finish_mode(grad_terms, true) : Finish::kRecompute;
  if (mode == Finish::kRescale) {
    rescale_box_gradients<S, kTargetGradient>(count, grad_terms[0], grad_pred, grad_target);
  } else if (mode == Finish::kRecompute) {
    write_box_gradients<S, kTargetGradient>(
        pred, target, count, sum_gradient(grad_terms, 1, weights.l1, normaliser),
        sum_gradient(grad_terms, 2, weights.giou, normaliser), grad_pred, grad_target);
  }
}

// The backward pass over the class scores, as box_backward_kernel.
template <typename S, bool kGammaTwo, bool kTargetGradient, bool kPrecomputed>
__global__ void __launch_bounds__(kThreads)
    focal_backward_kernel(const S* __restrict__ logits, const S* __restrict__ targets,
                          std::int64_t count, const Acc<S>* __restrict__ grad_terms,
                          const Acc<S>* __restrict__ normaliser, LossWeights weights,
                          S* grad_logits, S* grad_targets) {
  using T = Acc<S>;
  const Finish mode = kPrecomputed ? finish_mode(grad_terms, false) : Finish::kRecompute;
  if (mode == Finish::kRescale) {
    rescale_focal_gradients<S, kTargetGradient>(count, grad_terms[0], grad_logits, grad_targets);
  } else if (mode == Finish::kRecompute) {
    const FocalParameters<T> parameters =
        focal_parameters<T, kGammaTwo>(weights.alpha, weights.gamma);
    focal_pass<S, true, kTargetGradient>(logits, targets, count, parameters,
                                         sum_gradient(grad_terms, 3, weights.focal, normaliser),
                                         grad_logits, grad_targets);
  }
}

// ---------------------------------------------------------------------------- launching

int query_multiprocessor_count(int device) {
  int count = 0;
  const cudaError_t error = cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device);
  return error == cudaSuccess && count > 0 ? count : 1;
}

// Multiprocessors of `device`: asked once per device and kept, like the occupancy below, so
// that no query runs while a CUDA graph is being captured.
int multiprocessor_count(int device) {
  constexpr int kMaxDevices = 64;
  static std::array<std::atomic<int>, kMaxDevices> counts{};
  if (device < 0 || device >= kMaxDevices) {
    return query_multiprocessor_count(device);
  }
  const int known = counts[device].load(std::memory_order_relaxed);
  if (known > 0) {
    return known;
  }
  const int count = query_multiprocessor_count(device);
  counts[device].store(count, std::memory_order_relaxed);
  return count;
}

// Blocks of `kernel` that one multiprocessor holds at once, asked once per kernel (the
// devices of one process are taken to be of one architecture).
int blocks_per_multiprocessor(const void* kernel) {
  static std::mutex mutex;
  static std::unordered_map<const void*, int> known;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto found = known.find(kernel);
  if (found != known.end()) {
    return found->second;
  }
  int count = 0;
  const cudaError_t error =
      cudaOccupancyMaxActiveBlocksPerMultiprocessor(&count, kernel, kThreads, 0);
  const int blocks = error == cudaSuccess && count > 0 ? count : 1;
  known.emplace(kernel, blocks);
  return blocks;
}

// Blocks of kThreads for `items` work items of `kernel`: one item per thread, at most the
// blocks the device holds at once, so that the grid runs in one wave and the grid-stride
// loops give every block the same share.
template <typename Kernel>
int streaming_blocks(Kernel kernel, std::int64_t items, int device) {
  if (items <= 0) {
    return 0;
  }
  const std::int64_t wanted = (items + kThreads - 1) / kThreads;
  const std::int64_t resident =
      std::int64_t{blocks_per_multiprocessor(reinterpret_cast<const void*>(kernel))} *
      multiprocessor_count(device);
  return static_cast<int>(std::min(wanted, resident));
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

// The forward kernels for what `gradients` asks for (null pointers: no gradients).
template <typename S>
auto box_forward_for(const FusedGradients& gradients) {
  if (gradients.pred_boxes == nullptr) {
    return box_forward_kernel<S, false, false>;
  }
  return gradients.target_boxes != nullptr ? box_forward_kernel<S, true, true>
                                           : box_forward_kernel<S, true, false>;
}

template <typename S, bool kGammaTwo>
auto focal_forward_for(const FusedGradients& gradients) {
  if (gradients.class_logits == nullptr) {
    return focal_forward_kernel<S, kGammaTwo, false, false>;
  }
  return gradients.class_targets != nullptr ? focal_forward_kernel<S, kGammaTwo, true, true>
                                            : focal_forward_kernel<S, kGammaTwo, true, false>;
}

template <typename S>
auto focal_forward_for(const FusedGradients& gradients, double gamma) {
  return gamma == 2.0 ? focal_forward_for<S, true>(gradients)
                      : focal_forward_for<S, false>(gradients);
}

// The backward kernels for the target gradient, gamma and precomputed choices.
template <typename S, bool kPrecomputed>
auto box_backward_for(bool with_target) {
  return with_target ? box_backward_kernel<S, true, kPrecomputed>
                     : box_backward_kernel<S, false, kPrecomputed>;
}

template <typename S, bool kGammaTwo, bool kPrecomputed>
auto focal_backward_for(bool with_target) {
  return with_target ? focal_backward_kernel<S, kGammaTwo, true, kPrecomputed>
                     : focal_backward_kernel<S, kGammaTwo, false, kPrecomputed>;
}

template <typename S, bool kPrecomputed>
auto focal_backward_for(bool with_target, double gamma) {
  return gamma == 2.0 ? focal_backward_for<S, true, kPrecomputed>(with_target)
                      : focal_backward_for<S, false, kPrecomputed>(with_target);
}

// The grid of one forward kernel: the fewer blocks of its variants without gradients and with
// those of the usual training step (predictions only), so that the loss's value does not
// depend on whether gradients are wanted. (The variant that also writes target gradients may
// then need a second wave: correct, a little slower, and rare.)
template <typename Kernel>
int forward_blocks(Kernel plain, Kernel training, std::int64_t items, int device) {
  return std::min(streaming_blocks(plain, items, device),
                  streaming_blocks(training, items, device));
}

template <typename S>
ForwardPlan plan_for(const FusedInputs& inputs, int device) {
  const FusedGradients none{nullptr, nullptr, nullptr, nullptr};
  int mark = 0;
  const FusedGradients training{&mark, nullptr, &mark, nullptr};
  const double gamma = inputs.weights.gamma;
  return ForwardPlan{
      forward_blocks(box_forward_for<S>(none), box_forward_for<S>(training), inputs.boxes.count,
                     device),
      forward_blocks(focal_forward_for<S>(none, gamma), focal_forward_for<S>(training, gamma),
                     focal_steps(inputs.classes.count), device)};
}

template <typename S>
cudaError_t forward_for(const FusedInputs& inputs, const ForwardPlan& plan, void* workspace,
                        void* terms, const FusedGradients& gradients, cudaStream_t stream) {
  using T = Acc<S>;
  T* partials = typed_mutable<T>(workspace);
  const T* normaliser = typed<T>(inputs.normaliser);
  if (plan.box_blocks > 0) {
    box_forward_for<S>(gradients)<<<plan.box_blocks, kThreads, 0, stream>>>(
        typed<S>(inputs.boxes.pred), typed<S>(inputs.boxes.target), inputs.boxes.count,
        normaliser, inputs.weights, partials, typed_mutable<S>(gradients.pred_boxes),
        typed_mutable<S>(gradients.target_boxes));
  }
  if (plan.focal_blocks > 0) {
    const auto kernel = focal_forward_for<S>(gradients, inputs.weights.gamma);
    kernel<<<plan.focal_blocks, kThreads, 0, stream>>>(
        typed<S>(inputs.classes.logits), typed<S>(inputs.classes.targets), inputs.classes.count,
        normaliser, inputs.weights, partials + 2 * std::int64_t{plan.box_blocks},
        typed_mutable<S>(gradients.class_logits), typed_mutable<S>(gradients.class_targets));
  }
  finalize_kernel<T><<<1, kFinalizeThreads, 0, stream>>>(partials, plan, normaliser,
                                                         inputs.weights, typed_mutable<T>(terms));
  return cudaGetLastError();
}

template <typename S, bool kPrecomputed>
void launch_box_backward(const FusedInputs& inputs, const void* grad_terms,
                         const FusedGradients& gradients, int device, cudaStream_t stream) {
  using T = Acc<S>;
  const auto kernel = box_backward_for<S, kPrecomputed>(gradients.target_boxes != nullptr);
  const int blocks = streaming_blocks(kernel, inputs.boxes.count, device);
  if (blocks == 0 || gradients.pred_boxes == nullptr) {
    return;
  }
  kernel<<<blocks, kThreads, 0, stream>>>(
      typed<S>(inputs.boxes.pred), typed<S>(inputs.boxes.target), inputs.boxes.count,
      typed<T>(grad_terms), typed<T>(inputs.normaliser), inputs.weights,
      typed_mutable<S>(gradients.pred_boxes), typed_mutable<S>(gradients.target_boxes));
}

template <typename S, bool kPrecomputed>
void launch_focal_backward(const FusedInputs& inputs, const void* grad_terms,
                           const FusedGradients& gradients, int device, cudaStream_t stream) {
  using T = Acc<S>;
  const auto kernel = focal_backward_for<S, kPrecomputed>(gradients.class_targets != nullptr,
                                                          inputs.weights.gamma);
  const int blocks = streaming_blocks(kernel, focal_steps(inputs.classes.count), device);
  if (blocks == 0 || gradients.class_logits == nullptr) {
    return;
  }
  kernel<<<blocks, kThreads, 0, stream>>>(
      typed<S>(inputs.classes.logits), typed<S>(inputs.classes.targets), inputs.classes.count,
      typed<T>(grad_terms), typed<T>(inputs.normaliser), inputs.weights,
      typed_mutable<S>(gradients.class_logits), typed_mutable<S>(gradients.class_targets));
}

template <typename S, bool kPrecomputed>
cudaError_t backward_for(const FusedInputs& inputs, const void* grad_terms,
                         const FusedGradients& gradients, int device, cudaStream_t stream) {
  launch_box_backward<S, kPrecomputed>(inputs, grad_terms, gradients, device, stream);
  const cudaError_t box_error = cudaGetLastError();
  if (box_error != cudaSuccess) {
    return box_error;
  }
  launch_focal_backward<S, kPrecomputed>(inputs, grad_terms, gradients, device, stream);
  return cudaGetLastError();
}

template <typename S>
cudaError_t backward_for(const FusedInputs& inputs, const void* grad_terms,
                         const FusedGradients& gradients, bool precomputed, int device,
                         cudaStream_t stream) {
  return precomputed ? backward_for<S, true>(inputs, grad_terms, gradients, device, stream)
                     : backward_for<S, false>(inputs, grad_terms, gradients, device, stream);
}

}  // namespace

std::int64_t workspace_elements(const ForwardPlan& plan) {
  return 2 * std::int64_t{plan.box_blocks} + plan.focal_blocks;
}

ForwardPlan plan_forward(const FusedInputs& inputs, int device) {
  switch (inputs.storage) {
    case StorageType::kFloat16:
      return plan_for<__half>(inputs, device);
    case StorageType::kBFloat16:
      return plan_for<__nv_bfloat16>(inputs, device);
    case StorageType::kFloat32:
      return plan_for<float>(inputs, device);
    case StorageType::kFloat64:
      return plan_for<double>(inputs, device);
  }
  return ForwardPlan{0, 0};
}

cudaError_t launch_forward(const FusedInputs& inputs, const ForwardPlan& plan, void* workspace,
                           void* terms, const FusedGradients& gradients, cudaStream_t stream) {
  switch (inputs.storage) {
    case StorageType::kFloat16:
      return forward_for<__half>(inputs, plan, workspace, terms, gradients, stream);
    case StorageType::kBFloat16:
      return forward_for<__nv_bfloat16>(inputs, plan, workspace, terms, gradients, stream);
    case StorageType::kFloat32:
      return forward_for<float>(inputs, plan, workspace, terms, gradients, stream);
    case StorageType::kFloat64:
      return forward_for<double>(inputs, plan, workspace, terms, gradients, stream);
  }
  return cudaErrorInvalidValue;
}

cudaError_t launch_backward(const FusedInputs& inputs, const void* grad_terms,
                            const FusedGradients& gradients, bool precomputed, int device,
                            cudaStream_t stream) {
  switch (inputs.storage) {
    case StorageType::kFloat16:
      return backward_for<__half>(inputs, grad_terms, gradients, precomputed, device, stream);
    case StorageType::kBFloat16:
      return backward_for<__nv_bfloat16>(inputs, grad_terms, gradients, precomputed, device,
                                         stream);
    case StorageType::kFloat32:
      return backward_for<float>(inputs, grad_terms, gradients, precomputed, device, stream);
    case StorageType::kFloat64:
      return backward_for<double>(inputs, grad_terms, gradients, precomputed, device, stream);
  }
  return cudaErrorInvalidValue;
}

}  // namespace torchlint_reference::fused
