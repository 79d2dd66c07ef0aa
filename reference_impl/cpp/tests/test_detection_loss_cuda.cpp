// Copyright (c) torchlint authors. GPU tests of the exemplar's C++ detection loss: inputs on a
// CUDA device take the fused kernels (cpp/src/cuda), and these tests hold them to the CPU
// float64 path (the ATen composition, itself checked against closed forms, gradcheck and
// the cross-language fixture by test_detection_loss.cpp): fresh random inputs with
// degenerate boxes for float32, bfloat16 and float16 at per-dtype tolerances, float64
// gradients against CPU autograd and central differences, empty batches, misaligned
// slices, the component losses, and bit-identical repeated runs.
//
// Every test skips (GTEST_SKIP, reported as skipped, never as passed) without a CUDA device.
// ctest labels them `gpu`; compute-sanitizer's memcheck runs this binary too (cuda.cmake).
#include <ATen/core/dispatch/Dispatcher.h>
#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/cuda.h>
#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "torchlint_reference/detection_loss.h"

namespace torchlint_reference::testing {
namespace {

// |actual - expected| <= atol + rtol * |expected|, element-wise, for one dtype.
struct Tolerance {
  double rtol;
  double atol;
};

// One row of the dtype matrix: the values' and the gradients' tolerances. A gradient's atol
// is relative to the largest gradient element of its tensor.
struct DtypeCase {
  torch::ScalarType dtype;
  std::string name;
  Tolerance value;
  Tolerance gradient;
};

// Gradients of `total` with respect to the four inputs, each shaped like its input.
struct InputGradients {
  torch::Tensor pred_boxes;
  torch::Tensor target_boxes;
  torch::Tensor class_logits;
  torch::Tensor class_targets;
};

// One run of detection_loss: its terms and the gradients of its total.
struct LossRun {
  DetectionTerms terms;
  InputGradients gradients;
};

torch::Device cuda_device() {
  return torch::Device(torch::cuda::is_available() ? torch::kCUDA : torch::kCPU);
}

// Skips every test of the suite where there is no CUDA device.
class FusedCuda : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!torch::cuda::is_available()) {
      GTEST_SKIP() << "no CUDA device: the fused kernels need one";
    }
  }
};

class FusedCudaDtype : public FusedCuda, public ::testing::WithParamInterface<DtypeCase> {};

torch::TensorOptions float64_cpu() { return torch::dtype(torch::kFloat64); }

// Returns: (count, 4) float64 xyxy boxes with positive extent (the global generator).
torch::Tensor random_boxes(std::int64_t count) {
  const torch::Tensor corner = torch::rand({count, 2}, float64_cpu()) * 10.0;
  const torch::Tensor extent = torch::rand({count, 2}, float64_cpu()) * 3.0 + 0.5;
  return torch::cat({corner, corner + extent}, 1);
}

// Returns: pred and target rows (8, 4) float64 of degenerate pairs: points, lines, an
// inverted box, identical boxes, shared edges.
DetectionInput degenerate_boxes() {
  const torch::Tensor pred = torch::tensor(
      {1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 2.0, 3.0, 3.0, 1.0, 1.0, 2.0, 2.0, 2.0, 2.0,
       0.0, 0.0, 2.0, 2.0, 0.0, 0.0, 2.0, 2.0, 1.0, 0.0, 3.0, 2.0, 5.0, 5.0, 5.0, 9.0},
      float64_cpu());
  const torch::Tensor target = torch::tensor(
      {0.0, 0.0, 2.0, 2.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0,
       0.0, 0.0, 2.0, 2.0, 2.0, 0.0, 4.0, 2.0, 0.0, 0.0, 2.0, 2.0, 5.0, 5.0, 5.0, 9.0},
      float64_cpu());
  return DetectionInput{pred.reshape({8, 4}), target.reshape({8, 4}), torch::Tensor(),
                        torch::Tensor()};
}

// Fresh float64 inputs: `boxes` random pairs after 8 degenerate ones, (rows, classes) logits
// and soft targets in [0, 1]. Seeded, so a failure reproduces.
DetectionInput random_input(std::int64_t boxes, std::int64_t rows, std::int64_t classes,
                            std::uint64_t seed) {
  torch::manual_seed(seed);
  const torch::Tensor target = random_boxes(boxes);
  const torch::Tensor pred = target + torch::randn({boxes, 4}, float64_cpu()) * 0.8;
  const DetectionInput degenerate = degenerate_boxes();
  return DetectionInput{torch::cat({degenerate.pred_boxes, pred}),
                        torch::cat({degenerate.target_boxes, target}),
                        torch::randn({rows, classes}, float64_cpu()) * 3.0,
                        torch::rand({rows, classes}, float64_cpu())};
}

// Every tensor of `input` cast to `dtype` on `device`, as new autograd leaves.
DetectionInput leaves(const DetectionInput& input, torch::ScalarType dtype,
                      const torch::Device& device) {
  const auto leaf = [&](const torch::Tensor& tensor) {
    return tensor.to(device, dtype).detach().requires_grad_(true);
  };
  return DetectionInput{leaf(input.pred_boxes), leaf(input.target_boxes),
                        leaf(input.class_logits), leaf(input.class_targets)};
}

// input: leaves. Returns: the terms and d total / d inputs (zeros where unused).
LossRun run_loss(const DetectionInput& input, const DetectionOptions& options) {
  const DetectionTerms terms = detection_loss(input, options);
  const std::vector<torch::Tensor> inputs{input.pred_boxes, input.target_boxes,
                                          input.class_logits, input.class_targets};
  const std::vector<torch::Tensor> raw = torch::autograd::grad(
      {terms.total}, inputs, {}, /*retain_graph=*/false, /*create_graph=*/false,
      /*allow_unused=*/true);
  std::vector<torch::Tensor> grads;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    grads.push_back(raw[i].defined() ? raw[i] : torch::zeros_like(inputs[i]));
  }
  return LossRun{terms, InputGradients{grads[0], grads[1], grads[2], grads[3]}};
}

// The CPU float64 reference on `input` rounded to `dtype` first (the rounding is the
// inputs', not the loss's).
LossRun cpu_reference(const DetectionInput& input, torch::ScalarType dtype,
                      const DetectionOptions& options) {
  const DetectionInput rounded = leaves(input, dtype, torch::Device(torch::kCPU));
  return run_loss(leaves(rounded, torch::kFloat64, torch::Device(torch::kCPU)), options);
}

::testing::AssertionResult close(const torch::Tensor& actual, const torch::Tensor& expected,
                                 const Tolerance& tolerance, const std::string& what) {
  const torch::Tensor a = actual.detach().to(torch::Device(torch::kCPU), torch::kFloat64);
  const torch::Tensor e = expected.detach().to(torch::Device(torch::kCPU), torch::kFloat64);
  if (a.sizes() != e.sizes() || !torch::isfinite(a).all().item<bool>()) {
    return ::testing::AssertionFailure() << what << ": shape " << a.sizes() << " vs "
                                         << e.sizes() << " or not finite";
  }
  if (torch::allclose(a, e, tolerance.rtol, tolerance.atol)) {
    return ::testing::AssertionSuccess();
  }
  const double worst = (a - e).abs().max().item<double>();
  return ::testing::AssertionFailure() << what << ": max |difference| " << worst << " (rtol "
                                       << tolerance.rtol << ", atol " << tolerance.atol << ")";
}

// A gradient compared with atol relative to its largest element.
::testing::AssertionResult close_gradient(const torch::Tensor& actual,
                                          const torch::Tensor& expected,
                                          const Tolerance& tolerance, const std::string& what) {
  const double scale = expected.numel() == 0 ? 1.0 : expected.abs().max().item<double>() + 1e-30;
  return close(actual, expected, Tolerance{tolerance.rtol, tolerance.atol * scale}, what);
}

void expect_terms_close(const DetectionTerms& actual, const DetectionTerms& expected,
                        const Tolerance& tolerance) {
  EXPECT_TRUE(close(actual.total, expected.total, tolerance, "total"));
  EXPECT_TRUE(close(actual.l1, expected.l1, tolerance, "l1"));
  EXPECT_TRUE(close(actual.giou, expected.giou, tolerance, "giou"));
  EXPECT_TRUE(close(actual.focal, expected.focal, tolerance, "focal"));
}

void expect_gradients_close(const InputGradients& actual, const InputGradients& expected,
                            const Tolerance& tolerance) {
  EXPECT_TRUE(close_gradient(actual.pred_boxes, expected.pred_boxes, tolerance, "d pred_boxes"));
  EXPECT_TRUE(
      close_gradient(actual.target_boxes, expected.target_boxes, tolerance, "d target_boxes"));
  EXPECT_TRUE(
      close_gradient(actual.class_logits, expected.class_logits, tolerance, "d class_logits"));
  EXPECT_TRUE(
      close_gradient(actual.class_targets, expected.class_targets, tolerance, "d class_targets"));
}

void expect_dtype_and_device(const LossRun& run, torch::ScalarType dtype) {
  for (const torch::Tensor& value : {run.terms.total, run.terms.l1, run.terms.giou,
                                     run.terms.focal}) {
    EXPECT_EQ(value.scalar_type(), dtype);
    EXPECT_TRUE(value.is_cuda());
    EXPECT_EQ(value.dim(), 0);
  }
  EXPECT_EQ(run.gradients.pred_boxes.scalar_type(), dtype);
  EXPECT_EQ(run.gradients.class_logits.scalar_type(), dtype);
}

bool same_bits(const torch::Tensor& a, const torch::Tensor& b) {
  return a.scalar_type() == b.scalar_type() && torch::equal(a, b);
}

// Two runs gave the same bits in every term and every gradient.
bool identical(const LossRun& a, const LossRun& b) {
  return same_bits(a.terms.total, b.terms.total) && same_bits(a.terms.l1, b.terms.l1) &&
         same_bits(a.terms.giou, b.terms.giou) && same_bits(a.terms.focal, b.terms.focal) &&
         same_bits(a.gradients.pred_boxes, b.gradients.pred_boxes) &&
         same_bits(a.gradients.target_boxes, b.gradients.target_boxes) &&
         same_bits(a.gradients.class_logits, b.gradients.class_logits) &&
         same_bits(a.gradients.class_targets, b.gradients.class_targets);
}

DetectionOptions custom_options() {
  DetectionOptions options;
  options.l1_weight = 3.0;
  options.giou_weight = 1.5;
  options.focal_weight = 2.0;
  options.focal_alpha = 0.3;
  options.focal_gamma = 1.5;
  return options;
}

// ---------------------------------------------------------------------------- the tests

TEST_F(FusedCuda, OperatorIsRegisteredForCudaAndAutograd) {
  const auto handle =
      c10::Dispatcher::singleton().findSchema({"torchlint_reference::detection_loss_terms", ""});
  ASSERT_TRUE(handle.has_value());
  EXPECT_TRUE(handle->hasKernelForDispatchKey(c10::DispatchKey::CUDA));
  EXPECT_TRUE(handle->hasKernelForDispatchKey(c10::DispatchKey::Autograd));
}

TEST_P(FusedCudaDtype, MatchesCpuFloat64OnFreshInputs) {
  const DtypeCase& dtype_case = GetParam();
  for (std::uint64_t seed : {11U, 12U}) {
    const DetectionInput input = random_input(777, 301, 13, seed);
    const DetectionOptions options = seed == 11U ? DetectionOptions{} : custom_options();
    const LossRun expected = cpu_reference(input, dtype_case.dtype, options);
    const DetectionInput on_device = leaves(input, dtype_case.dtype, cuda_device());
    const std::vector<std::int64_t> versions{on_device.pred_boxes._version(),
                                             on_device.class_logits._version()};
    const LossRun actual = run_loss(on_device, options);
    expect_dtype_and_device(actual, dtype_case.dtype);
    expect_terms_close(actual.terms, expected.terms, dtype_case.value);
    expect_gradients_close(actual.gradients, expected.gradients, dtype_case.gradient);
    EXPECT_EQ(on_device.pred_boxes._version(), versions[0]) << "inputs must not be modified";
    EXPECT_EQ(on_device.class_logits._version(), versions[1]) << "inputs must not be modified";
  }
}

TEST_P(FusedCudaDtype, EmptyBatchesGiveZeroLossAndZeroGradients) {
  const torch::ScalarType dtype = GetParam().dtype;
  const DetectionInput full = random_input(5, 4, 3, 21);
  const std::vector<DetectionInput> cases{
      DetectionInput{full.pred_boxes.slice(0, 0, 0), full.target_boxes.slice(0, 0, 0),
                     full.class_logits.slice(0, 0, 0), full.class_targets.slice(0, 0, 0)},
      DetectionInput{full.pred_boxes.slice(0, 0, 0), full.target_boxes.slice(0, 0, 0),
                     full.class_logits, full.class_targets},
      DetectionInput{full.pred_boxes, full.target_boxes, full.class_logits.slice(0, 0, 0),
                     full.class_targets.slice(0, 0, 0)}};
  for (const DetectionInput& input : cases) {
    const LossRun actual = run_loss(leaves(input, dtype, cuda_device()), DetectionOptions{});
    const LossRun expected = cpu_reference(input, dtype, DetectionOptions{});
    expect_terms_close(actual.terms, expected.terms, GetParam().value);
    expect_gradients_close(actual.gradients, expected.gradients, GetParam().gradient);
    EXPECT_EQ(actual.gradients.pred_boxes.sizes(), input.pred_boxes.sizes());
  }
  const LossRun nothing = run_loss(leaves(cases[0], dtype, cuda_device()), DetectionOptions{});
  EXPECT_EQ(nothing.terms.total.item<double>(), 0.0);
  EXPECT_EQ(nothing.gradients.pred_boxes.sizes(), (std::vector<std::int64_t>{0, 4}));
}

INSTANTIATE_TEST_SUITE_P(
    Dtypes, FusedCudaDtype,
    ::testing::Values(
        DtypeCase{torch::kFloat32, "float32", Tolerance{1e-5, 1e-6}, Tolerance{1e-4, 1e-5}},
        DtypeCase{torch::kBFloat16, "bfloat16", Tolerance{1e-2, 1e-2}, Tolerance{1e-2, 1e-2}},
        DtypeCase{torch::kFloat16, "float16", Tolerance{2e-3, 1e-3}, Tolerance{2e-3, 2e-3}}),
    [](const ::testing::TestParamInfo<DtypeCase>& info) { return info.param.name; });

TEST_F(FusedCuda, Float64MatchesCpuAutogradAndCentralDifferences) {
  const DetectionInput input = random_input(40, 17, 5, 31);
  const DetectionOptions options = custom_options();
  const LossRun expected = cpu_reference(input, torch::kFloat64, options);
  const DetectionInput on_device = leaves(input, torch::kFloat64, cuda_device());
  const LossRun actual = run_loss(on_device, options);
  expect_terms_close(actual.terms, expected.terms, Tolerance{1e-12, 1e-12});
  expect_gradients_close(actual.gradients, expected.gradients, Tolerance{1e-10, 1e-12});
  // Central differences of total along a few coordinates of each input.
  const double step = 1e-6;
  for (std::int64_t index : {0, 9, 37, 81}) {
    const torch::Tensor unit =
        torch::arange(on_device.class_logits.numel(), on_device.class_logits.options())
            .eq(index)
            .to(torch::kFloat64)
            .reshape(on_device.class_logits.sizes());
    DetectionInput plus = on_device;
    DetectionInput minus = on_device;
    plus.class_logits = on_device.class_logits.detach() + step * unit;
    minus.class_logits = on_device.class_logits.detach() - step * unit;
    const double slope = (detection_loss(plus, options).total.item<double>() -
                          detection_loss(minus, options).total.item<double>()) /
                         (2.0 * step);
    EXPECT_NEAR(slope, actual.gradients.class_logits.flatten()[index].item<double>(), 1e-7);
  }
  for (std::int64_t index : {32, 33, 34, 35, 70, 140}) {
    const torch::Tensor unit =
        torch::arange(on_device.pred_boxes.numel(), on_device.pred_boxes.options())
            .eq(index)
            .to(torch::kFloat64)
            .reshape(on_device.pred_boxes.sizes());
    DetectionInput plus = on_device;
    DetectionInput minus = on_device;
    plus.pred_boxes = on_device.pred_boxes.detach() + step * unit;
    minus.pred_boxes = on_device.pred_boxes.detach() - step * unit;
    const double slope = (detection_loss(plus, options).total.item<double>() -
                          detection_loss(minus, options).total.item<double>()) /
                         (2.0 * step);
    EXPECT_NEAR(slope, actual.gradients.pred_boxes.flatten()[index].item<double>(), 1e-7);
  }
}

// The forward pass writes the gradients of total; other upstream gradients rescale them
// (a multiple of total) or recompute them (through l1, giou, focal), as does a second
// backward pass.
TEST_F(FusedCuda, OtherUpstreamGradientsAndSecondBackwardMatchCpu) {
  const DetectionInput input = random_input(200, 50, 7, 81);
  const DetectionInput cpu = leaves(input, torch::kFloat64, torch::Device(torch::kCPU));
  const DetectionInput gpu = leaves(input, torch::kFloat32, cuda_device());
  const DetectionTerms cpu_terms = detection_loss(cpu);
  const DetectionTerms gpu_terms = detection_loss(gpu);
  const std::vector<torch::Tensor> cpu_inputs{cpu.pred_boxes, cpu.class_logits};
  const std::vector<torch::Tensor> gpu_inputs{gpu.pred_boxes, gpu.class_logits};
  const std::vector<torch::Tensor> cpu_objectives{cpu_terms.total * 2.5,
                                                  cpu_terms.total + cpu_terms.l1 * 3.0};
  const std::vector<torch::Tensor> gpu_objectives{gpu_terms.total * 2.5,
                                                  gpu_terms.total + gpu_terms.l1 * 3.0};
  for (std::size_t i = 0; i < cpu_objectives.size(); ++i) {
    const auto expected = torch::autograd::grad({cpu_objectives[i]}, cpu_inputs, {}, true);
    const auto first = torch::autograd::grad({gpu_objectives[i]}, gpu_inputs, {}, true);
    const auto second = torch::autograd::grad({gpu_objectives[i]}, gpu_inputs, {}, true);
    for (std::size_t k = 0; k < expected.size(); ++k) {
      EXPECT_TRUE(close_gradient(first[k], expected[k], Tolerance{1e-4, 1e-5}, "objective"));
      EXPECT_TRUE(close_gradient(second[k], expected[k], Tolerance{1e-4, 1e-5}, "again"));
    }
  }
}

TEST_F(FusedCuda, DegenerateBoxesAndSaturatedLogitsMatchCpu) {
  const DetectionInput boxes = degenerate_boxes();
  const DetectionInput input{
      boxes.pred_boxes, boxes.target_boxes,
      torch::tensor({40.0, -40.0, -40.0, 40.0, 0.0, 0.0}, float64_cpu()).reshape({3, 2}),
      torch::tensor({1.0, 0.0, 1.0, 0.0, 1.0, 0.0}, float64_cpu()).reshape({3, 2})};
  for (torch::ScalarType dtype : {torch::kFloat64, torch::kFloat32}) {
    const LossRun expected = cpu_reference(input, dtype, DetectionOptions{});
    const LossRun actual = run_loss(leaves(input, dtype, cuda_device()), DetectionOptions{});
    expect_terms_close(actual.terms, expected.terms, Tolerance{1e-6, 1e-6});
    expect_gradients_close(actual.gradients, expected.gradients, Tolerance{1e-6, 1e-6});
  }
}

TEST_F(FusedCuda, ComponentLossesMatchCpu) {
  const DetectionInput input = random_input(300, 100, 7, 41);
  const DetectionInput rounded = leaves(input, torch::kFloat32, torch::Device(torch::kCPU));
  const DetectionInput cpu = leaves(rounded, torch::kFloat64, torch::Device(torch::kCPU));
  const DetectionInput gpu = leaves(rounded, torch::kFloat32, cuda_device());
  const torch::Tensor four = torch::full({}, 4.0, torch::dtype(torch::kFloat32));
  const Tolerance tolerance{1e-5, 1e-6};
  EXPECT_TRUE(close(l1_box_loss(gpu.pred_boxes, gpu.target_boxes, four),
                    l1_box_loss(cpu.pred_boxes, cpu.target_boxes, four), tolerance, "l1"));
  EXPECT_TRUE(close(generalized_iou_loss(gpu.pred_boxes, gpu.target_boxes, four),
                    generalized_iou_loss(cpu.pred_boxes, cpu.target_boxes, four), tolerance,
                    "giou"));
  const torch::Tensor focal = sigmoid_focal_loss(gpu.class_logits, gpu.class_targets, four, 0.3, 1.0);
  EXPECT_TRUE(close(focal,
                    sigmoid_focal_loss(cpu.class_logits, cpu.class_targets, four, 0.3, 1.0),
                    tolerance, "focal"));
  EXPECT_TRUE(focal.is_cuda());
  EXPECT_EQ(focal.scalar_type(), torch::kFloat32);
}

TEST_F(FusedCuda, MisalignedSlicesGiveTheSameBitsAsDenseCopies) {
  const DetectionInput input = random_input(101, 61, 3, 51);
  const DetectionInput on_device = leaves(input, torch::kFloat32, cuda_device());
  // Row 1 of a (M, 3) float32 tensor starts 12 bytes in: not 16-byte aligned.
  const DetectionInput sliced{on_device.pred_boxes.slice(0, 1), on_device.target_boxes.slice(0, 1),
                              on_device.class_logits.slice(0, 1),
                              on_device.class_targets.slice(0, 1)};
  const DetectionInput dense{sliced.pred_boxes.clone(), sliced.target_boxes.clone(),
                             sliced.class_logits.clone(), sliced.class_targets.clone()};
  const DetectionTerms a = detection_loss(sliced);
  const DetectionTerms b = detection_loss(dense);
  EXPECT_TRUE(torch::equal(a.total, b.total));
  EXPECT_TRUE(torch::equal(a.focal, b.focal));
}

TEST_F(FusedCuda, LargeInputsMatchCpuFloat64) {
  const DetectionInput input = random_input(100003, 25001, 80, 61);
  const LossRun expected = cpu_reference(input, torch::kFloat32, DetectionOptions{});
  const LossRun actual = run_loss(leaves(input, torch::kFloat32, cuda_device()), DetectionOptions{});
  expect_terms_close(actual.terms, expected.terms, Tolerance{1e-5, 1e-6});
  expect_gradients_close(actual.gradients, expected.gradients, Tolerance{1e-4, 1e-5});
}

TEST_F(FusedCuda, LargeRepeatedRunsAreBitIdentical) {
  const DetectionInput input = random_input(200003, 50001, 80, 71);
  for (torch::ScalarType dtype : {torch::kFloat32, torch::kBFloat16}) {
    const DetectionInput on_device = leaves(input, dtype, cuda_device());
    const LossRun first = run_loss(on_device, DetectionOptions{});
    for (int repeat = 0; repeat < 3; ++repeat) {
      EXPECT_TRUE(identical(first, run_loss(on_device, DetectionOptions{})))
          << "run " << repeat + 2 << " differs from run 1 in " << first.terms.total.dtype();
    }
  }
}

}  // namespace
}  // namespace torchlint_reference::testing
