// Copyright (c) torchlint authors. The per-element math of the fused detection loss: one box
// pair's L1 and GIoU terms and their gradients, one (logit, target) entry's sigmoid focal
// term and its gradients. Used by the kernels in fused_detection_loss.cu; plain host and
// device functions of the accumulation type T (float, or double for float64 inputs).
//
// The formulas are those of the ATen composition in ../detection_loss.cpp, and the
// gradients follow PyTorch autograd's choices for it wherever a subgradient is chosen, so
// that both paths agree also on ties and degenerate boxes:
// - |x| has slope 0 at x = 0;
// - max(a, b) and min(a, b) pass the whole gradient to the winner and half to each on a tie;
// - clamp_min(x, 0) passes the gradient where x >= 0;
// - a ratio whose denominator (an area) is at most kDenominatorEps has value and gradient 0.
#pragma once

#include <cmath>

namespace torchlint_reference::fused {

// The GIoU denominators' threshold, in box units (as kDenominatorEps in detection_loss.cpp).
constexpr double kDenominatorEps = 1e-7;

// An xyxy box (x0, y0) - (x1, y1) in the accumulation type.
template <typename T>
struct Box {
  T x0;
  T y0;
  T x1;
  T y1;
};

// One pair's terms: l1 = sum over the 4 coordinates of |pred - target|; giou = 1 - GIoU.
template <typename T>
struct BoxTerms {
  T l1;
  T giou;
};

// d (loss) / d (coordinates) of one pair.
template <typename T>
struct BoxPairGradient {
  Box<T> pred;
  Box<T> target;
};

// The share of an output's gradient that max/min passes to its first and second operand.
template <typename T>
struct Split {
  T first;
  T second;
};

// The gradients of safe_ratio with respect to its numerator and denominator.
template <typename T>
struct RatioGradient {
  T numerator;
  T denominator;
};

// The three areas GIoU is made of.
template <typename T>
struct GiouAreas {
  T intersection;
  T union_area;
  T hull;
};

// Sigmoid focal-loss parameters: alpha weighs the positive class, gamma focuses.
template <typename T>
struct FocalParameters {
  T alpha;
  T gamma;
};

// d (focal term) / d (logit) and d (focal term) / d (target) of one entry.
template <typename T>
struct FocalGradient {
  T logit;
  T target;
};

// p = sigmoid(x) and softplus(x) = log(1 + e^x) of one logit.
template <typename T>
struct SigmoidParts {
  T probability;
  T softplus;
};

// ------------------------------------------------------------------------- primitives

// e^x, log(1 + x) for x >= 0 and 1 / x: the hardware's fast forms in float32 device code
// (within 2 ulp: ample for float32 accumulation), the exact ones everywhere else.
__host__ __device__ __forceinline__ float exp_of(float x) {
#if defined(__CUDA_ARCH__)
  return __expf(x);
#else
  return std::exp(x);
#endif
}

__host__ __device__ __forceinline__ double exp_of(double x) { return exp(x); }

__host__ __device__ __forceinline__ float log1p_of(float x) {
#if defined(__CUDA_ARCH__)
  return __logf(1.0F + x);
#else
  return std::log1p(x);
#endif
}

__host__ __device__ __forceinline__ double log1p_of(double x) { return log1p(x); }

__host__ __device__ __forceinline__ float reciprocal_of(float x) {
#if defined(__CUDA_ARCH__)
  return __fdividef(1.0F, x);
#else
  return 1.0F / x;
#endif
}

__host__ __device__ __forceinline__ double reciprocal_of(double x) { return 1.0 / x; }


template <typename T>
__host__ __device__ __forceinline__ T clamp_at_zero(T x) {
  return x > T(0) ? x : T(0);
}

template <typename T>
__host__ __device__ __forceinline__ T larger(T a, T b) {
  return a > b ? a : b;
}

template <typename T>
__host__ __device__ __forceinline__ T smaller(T a, T b) {
  return a < b ? a : b;
}

// sgn(x): the slope autograd gives |x| (0 at 0).
template <typename T>
__host__ __device__ __forceinline__ T sign_of(T x) {
  return T(x > T(0)) - T(x < T(0));
}

// The gradient shares of max(a, b).
template <typename T>
__host__ __device__ __forceinline__ Split<T> max_split(T a, T b) {
  const T tie = T(0.5) * T(a == b);
  return Split<T>{T(a > b) + tie, T(a < b) + tie};
}

// The gradient shares of min(a, b).
template <typename T>
__host__ __device__ __forceinline__ Split<T> min_split(T a, T b) {
  const T tie = T(0.5) * T(a == b);
  return Split<T>{T(a < b) + tie, T(a > b) + tie};
}

// numerator / denominator where denominator > kDenominatorEps, else 0.
template <typename T>
__host__ __device__ __forceinline__ T safe_ratio(T numerator, T denominator) {
  return denominator > T(kDenominatorEps) ? numerator * reciprocal_of(denominator) : T(0);
}

// grad times the partial derivatives of safe_ratio (both 0 where it is 0 by definition).
template <typename T>
__host__ __device__ __forceinline__ RatioGradient<T> safe_ratio_gradient(T numerator, T denominator,
                                                                         T grad) {
  if (!(denominator > T(kDenominatorEps))) {
    return RatioGradient<T>{T(0), T(0)};
  }
  const T inverse = reciprocal_of(denominator);
  return RatioGradient<T>{grad * inverse, -grad * numerator * inverse * inverse};
}

// ---------------------------------------------------------------------------- geometry

template <typename T>
__host__ __device__ __forceinline__ T span_area(const Box<T>& box) {
  return clamp_at_zero(box.x1 - box.x0) * clamp_at_zero(box.y1 - box.y0);
}

// grad times d span_area / d corners.
template <typename T>
__host__ __device__ __forceinline__ Box<T> span_area_gradient(const Box<T>& box, T grad) {
  const T width = box.x1 - box.x0;
  const T height = box.y1 - box.y0;
  const T d_width = width >= T(0) ? grad * clamp_at_zero(height) : T(0);
  const T d_height = height >= T(0) ? grad * clamp_at_zero(width) : T(0);
  return Box<T>{-d_width, -d_height, d_width, d_height};
}

template <typename T>
__host__ __device__ __forceinline__ Box<T> intersection_box(const Box<T>& a, const Box<T>& b) {
  return Box<T>{larger(a.x0, b.x0), larger(a.y0, b.y0), smaller(a.x1, b.x1), smaller(a.y1, b.y1)};
}

template <typename T>
__host__ __device__ __forceinline__ Box<T> hull_box(const Box<T>& a, const Box<T>& b) {
  return Box<T>{smaller(a.x0, b.x0), smaller(a.y0, b.y0), larger(a.x1, b.x1), larger(a.y1, b.y1)};
}

template <typename T>
__host__ __device__ __forceinline__ GiouAreas<T> giou_areas(const Box<T>& a, const Box<T>& b) {
  const T intersection = span_area(intersection_box(a, b));
  const T union_area = span_area(a) + span_area(b) - intersection;
  return GiouAreas<T>{intersection, union_area, span_area(hull_box(a, b))};
}

// Sends the gradient of a corner box (its corners max/min of a's and b's, as `splits` say)
// back to a and b.
template <typename T>
__host__ __device__ __forceinline__ BoxPairGradient<T> route_corners(const Box<T>& grad,
                                                                    const Box<Split<T>>& splits) {
  return BoxPairGradient<T>{
      Box<T>{grad.x0 * splits.x0.first, grad.y0 * splits.y0.first, grad.x1 * splits.x1.first,
             grad.y1 * splits.y1.first},
      Box<T>{grad.x0 * splits.x0.second, grad.y0 * splits.y0.second, grad.x1 * splits.x1.second,
             grad.y1 * splits.y1.second}};
}

template <typename T>
__host__ __device__ __forceinline__ Box<T> add_boxes(const Box<T>& a, const Box<T>& b) {
  return Box<T>{a.x0 + b.x0, a.y0 + b.y0, a.x1 + b.x1, a.y1 + b.y1};
}

template <typename T>
__host__ __device__ __forceinline__ BoxPairGradient<T> add_gradients(const BoxPairGradient<T>& a,
                                                                    const BoxPairGradient<T>& b) {
  return BoxPairGradient<T>{add_boxes(a.pred, b.pred), add_boxes(a.target, b.target)};
}

// ------------------------------------------------------------------------- box losses

// pred, target: one pair. Returns its L1 term and its 1 - GIoU term.
template <typename T>
__host__ __device__ __forceinline__ BoxTerms<T> box_terms(const Box<T>& pred, const Box<T>& target) {
  const T l1 = fabs(pred.x0 - target.x0) + fabs(pred.y0 - target.y0) + fabs(pred.x1 - target.x1) +
               fabs(pred.y1 - target.y1);
  const GiouAreas<T> areas = giou_areas(pred, target);
  const T giou = safe_ratio(areas.intersection, areas.union_area) -
                 safe_ratio(areas.hull - areas.union_area, areas.hull);
  return BoxTerms<T>{l1, T(1) - giou};
}

// grad times d (L1 term) / d (pred, target).
template <typename T>
__host__ __device__ __forceinline__ BoxPairGradient<T> l1_gradient(const Box<T>& pred,
                                                                  const Box<T>& target, T grad) {
  const Box<T> slope{grad * sign_of(pred.x0 - target.x0), grad * sign_of(pred.y0 - target.y0),
                     grad * sign_of(pred.x1 - target.x1), grad * sign_of(pred.y1 - target.y1)};
  return BoxPairGradient<T>{slope, Box<T>{-slope.x0, -slope.y0, -slope.x1, -slope.y1}};
}

// grad times d (1 - GIoU) / d (pred, target).
template <typename T>
__host__ __device__ __forceinline__ BoxPairGradient<T> giou_gradient(const Box<T>& pred,
                                                                    const Box<T>& target, T grad) {
  const GiouAreas<T> areas = giou_areas(pred, target);
  // 1 - GIoU = 1 - iou + penalty, iou = I / U, penalty = (H - U) / H.
  const RatioGradient<T> iou = safe_ratio_gradient(areas.intersection, areas.union_area, -grad);
  const RatioGradient<T> penalty =
      safe_ratio_gradient(areas.hull - areas.union_area, areas.hull, grad);
  const T d_union = iou.denominator - penalty.numerator;  // U = area(pred) + area(target) - I
  const T d_intersection = iou.numerator - d_union;
  const T d_hull = penalty.denominator + penalty.numerator;
  const BoxPairGradient<T> from_areas{span_area_gradient(pred, d_union),
                                      span_area_gradient(target, d_union)};
  const Box<Split<T>> intersection_splits{
      max_split(pred.x0, target.x0), max_split(pred.y0, target.y0),
      min_split(pred.x1, target.x1), min_split(pred.y1, target.y1)};
  const Box<Split<T>> hull_splits{min_split(pred.x0, target.x0), min_split(pred.y0, target.y0),
                                  max_split(pred.x1, target.x1), max_split(pred.y1, target.y1)};
  const BoxPairGradient<T> from_intersection = route_corners(
      span_area_gradient(intersection_box(pred, target), d_intersection), intersection_splits);
  const BoxPairGradient<T> from_hull =
      route_corners(span_area_gradient(hull_box(pred, target), d_hull), hull_splits);
  return add_gradients(add_gradients(from_areas, from_intersection), from_hull);
}

// l1_scale times d (L1 term) + giou_scale times d (1 - GIoU), for one pair.
template <typename T>
__host__ __device__ __forceinline__ BoxPairGradient<T> box_gradient(const Box<T>& pred,
                                                                   const Box<T>& target,
                                                                   T l1_scale, T giou_scale) {
  return add_gradients(l1_gradient(pred, target, l1_scale), giou_gradient(pred, target, giou_scale));
}

// ------------------------------------------------------------------------- focal loss

// sigmoid(x) and softplus(x) from one exponential, overflow-free.
template <typename T>
__host__ __device__ __forceinline__ SigmoidParts<T> sigmoid_parts(T x) {
  const T small = exp_of(-fabs(x));  // in (0, 1]
  const T scale = reciprocal_of(T(1) + small);
  const T probability = x >= T(0) ? scale : small * scale;
  return SigmoidParts<T>{probability, clamp_at_zero(x) + log1p_of(small)};
}

// u^gamma with pow's conventions (u^0 = 1); exact products for the usual gamma of 1 and 2.
template <typename T>
__host__ __device__ __forceinline__ T modulating_power(T u, T gamma) {
  if (gamma == T(2)) {
    return u * u;
  }
  if (gamma == T(1) || gamma == T(0)) {
    return gamma == T(1) ? u : T(1);
  }
  return pow(u, gamma);
}

// d (u^gamma) / du as autograd's pow backward gives it (0 for gamma = 0).
template <typename T>
__host__ __device__ __forceinline__ T modulating_slope(T u, T gamma) {
  if (gamma == T(2)) {
    return T(2) * u;
  }
  if (gamma == T(1) || gamma == T(0)) {
    return gamma;
  }
  return gamma * pow(u, gamma - T(1));
}

// One entry: alpha_t * (1 - p_t)^gamma * BCE(x, t).
template <typename T>
__host__ __device__ __forceinline__ T focal_term(T logit, T target,
                                                 const FocalParameters<T>& parameters) {
  const SigmoidParts<T> sigmoid = sigmoid_parts(logit);
  const T p = sigmoid.probability;
  const T cross_entropy = sigmoid.softplus - logit * target;
  const T p_t = p * target + (T(1) - p) * (T(1) - target);
  const T alpha_t = parameters.alpha * target + (T(1) - parameters.alpha) * (T(1) - target);
  return alpha_t * modulating_power(clamp_at_zero(T(1) - p_t), parameters.gamma) * cross_entropy;
}

// grad times d (focal term) / d (logit, target).
template <typename T>
__host__ __device__ __forceinline__ FocalGradient<T> focal_gradient(
    T logit, T target, const FocalParameters<T>& parameters, T grad) {
  const SigmoidParts<T> sigmoid = sigmoid_parts(logit);
  const T p = sigmoid.probability;
  const T cross_entropy = sigmoid.softplus - logit * target;
  const T one_minus_p_t = T(1) - (p * target + (T(1) - p) * (T(1) - target));
  const T alpha_t = parameters.alpha * target + (T(1) - parameters.alpha) * (T(1) - target);
  const T u = clamp_at_zero(one_minus_p_t);
  const T modulating = modulating_power(u, parameters.gamma);
  const T passes = T(one_minus_p_t >= T(0));
  const T d_p_t = -alpha_t * cross_entropy * modulating_slope(u, parameters.gamma) * passes;
  const T d_cross_entropy = alpha_t * modulating;
  const T d_logit =
      d_cross_entropy * (p - target) + d_p_t * (T(2) * target - T(1)) * (p * (T(1) - p));
  const T d_target = d_cross_entropy * -logit + d_p_t * (T(2) * p - T(1)) +
                     (T(2) * parameters.alpha - T(1)) * modulating * cross_entropy;
  return FocalGradient<T>{grad * d_logit, grad * d_target};
}

}  // namespace torchlint_reference::fused
