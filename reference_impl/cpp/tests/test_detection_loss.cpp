// Copyright (c) torchlint authors. Single-process tests of the exemplar's C++ detection
// loss: closed-form values, an independent scalar float64 reference, finite-difference
// gradient checks in float64, the float32 / bfloat16 / float16 matrix, degenerate boxes,
// empty batches, argument checks and agreement with the Python twin (shared fixture).
#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/types.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "test_support.h"
#include "torchlint_reference/detection_loss.h"

namespace torchlint_reference::testing {
namespace {

constexpr double kFloat64Tolerance = 1e-12;

// rows: a row-major list of 4-tuples. Returns: (rows.size() / 4, 4) float64.
torch::Tensor boxes64(const std::vector<double>& coordinates) {
  return torch::tensor(at::ArrayRef<double>(coordinates), torch::dtype(torch::kFloat64))
      .reshape({-1, 4});
}

// Returns: () float64 holding `value`.
torch::Tensor scalar64(double value) {
  return torch::full(at::IntArrayRef{}, value, torch::dtype(torch::kFloat64));
}

// ----------------------------------------------------------------- closed-form values

TEST(L1BoxLoss, ClosedForm) {
  const torch::Tensor pred = boxes64({0, 0, 2, 2});
  const torch::Tensor target = boxes64({1, 1, 3, 3});
  EXPECT_DOUBLE_EQ(l1_box_loss(pred, target, scalar64(1.0)).item<double>(), 4.0);
  EXPECT_DOUBLE_EQ(l1_box_loss(pred, target, scalar64(4.0)).item<double>(), 1.0);
}

TEST(GeneralizedIouLoss, ClosedForm) {
  // Overlapping: IoU 1/7, hull 9, union 7: GIoU = 1/7 - 2/9 = -5/63.
  EXPECT_NEAR(generalized_iou_loss(boxes64({0, 0, 2, 2}), boxes64({1, 1, 3, 3}), scalar64(1.0))
                  .item<double>(),
              68.0 / 63.0, kFloat64Tolerance);
  // Disjoint: IoU 0, hull 9, union 2: GIoU = -7/9.
  EXPECT_NEAR(generalized_iou_loss(boxes64({0, 0, 1, 1}), boxes64({2, 2, 3, 3}), scalar64(1.0))
                  .item<double>(),
              16.0 / 9.0, kFloat64Tolerance);
  // Contained: IoU 1/16, hull = union: GIoU = 1/16.
  EXPECT_NEAR(generalized_iou_loss(boxes64({1, 1, 2, 2}), boxes64({0, 0, 4, 4}), scalar64(1.0))
                  .item<double>(),
              15.0 / 16.0, kFloat64Tolerance);
  EXPECT_NEAR(generalized_iou_loss(boxes64({1, 2, 3, 5}), boxes64({1, 2, 3, 5}), scalar64(1.0))
                  .item<double>(),
              0.0, kFloat64Tolerance);
}

TEST(SigmoidFocalLoss, ClosedForm) {
  const torch::Tensor logits = torch::zeros({1, 2}, torch::dtype(torch::kFloat64));
  const torch::Tensor targets =
      torch::tensor({1.0, 0.0}, torch::dtype(torch::kFloat64)).reshape({1, 2});
  // p = 1/2, BCE = ln 2, (1 - p_t)^2 = 1/4; alpha_t = 1/4 (positive), 3/4 (negative).
  EXPECT_NEAR(sigmoid_focal_loss(logits, targets, scalar64(1.0), 0.25, 2.0).item<double>(),
              std::log(2.0) / 4.0, kFloat64Tolerance);
  // gamma = 0, alpha = 1/2: half the plain BCE; logit 1, target 1: BCE = log(1 + e^-1).
  const torch::Tensor one = torch::ones({1, 1}, torch::dtype(torch::kFloat64));
  EXPECT_NEAR(sigmoid_focal_loss(one, one, scalar64(1.0), 0.5, 0.0).item<double>(),
              0.5 * std::log1p(std::exp(-1.0)), kFloat64Tolerance);
}

TEST(DetectionLoss, ClosedFormTotal) {
  const DetectionInput input{
      boxes64({0, 0, 2, 2, 0, 0, 1, 1}), boxes64({1, 1, 3, 3, 2, 2, 3, 3}),
      torch::zeros({1, 2}, torch::dtype(torch::kFloat64)),
      torch::tensor({1.0, 0.0}, torch::dtype(torch::kFloat64)).reshape({1, 2})};
  const DetectionTerms output = detection_loss(input);
  const double l1 = (4.0 + 8.0) / 2.0;
  const double giou = (68.0 / 63.0 + 16.0 / 9.0) / 2.0;
  const double focal = std::log(2.0) / 4.0 / 2.0;
  EXPECT_NEAR(output.l1.item<double>(), l1, kFloat64Tolerance);
  EXPECT_NEAR(output.giou.item<double>(), giou, kFloat64Tolerance);
  EXPECT_NEAR(output.focal.item<double>(), focal, kFloat64Tolerance);
  EXPECT_NEAR(output.total.item<double>(), 5.0 * l1 + 2.0 * giou + focal, kFloat64Tolerance);
}

// ------------------------------------------------- independent scalar float64 reference

double scalar_area(double x0, double y0, double x1, double y1) {
  return std::max(x1 - x0, 0.0) * std::max(y1 - y0, 0.0);
}

// a, b: 4 doubles each (xyxy). Returns GIoU with the library's rule for vanishing areas.
double scalar_giou(const double* a, const double* b) {
  const double eps = 1e-7;
  const double intersection = scalar_area(std::max(a[0], b[0]), std::max(a[1], b[1]),
                                          std::min(a[2], b[2]), std::min(a[3], b[3]));
  const double union_area =
      scalar_area(a[0], a[1], a[2], a[3]) + scalar_area(b[0], b[1], b[2], b[3]) - intersection;
  const double hull = scalar_area(std::min(a[0], b[0]), std::min(a[1], b[1]), std::max(a[2], b[2]),
                                  std::max(a[3], b[3]));
  const auto ratio = [eps](double numerator, double denominator) {
    return denominator > eps ? numerator / denominator : 0.0;
  };
  return ratio(intersection, union_area) - ratio(hull - union_area, hull);
}

double scalar_focal(double logit, double target, double alpha, double gamma) {
  const double p = 1.0 / (1.0 + std::exp(-logit));
  const double cross_entropy =
      std::max(logit, 0.0) - logit * target + std::log1p(std::exp(-std::abs(logit)));
  const double p_t = p * target + (1.0 - p) * (1.0 - target);
  const double alpha_t = alpha * target + (1.0 - alpha) * (1.0 - target);
  return alpha_t * std::pow(std::max(1.0 - p_t, 0.0), gamma) * cross_entropy;
}

// input: float64 on the CPU. Returns the four values by plain loops over the elements.
ExpectedValues scalar_reference(const DetectionInput& input, const DetectionOptions& options) {
  const torch::Tensor pred = input.pred_boxes.detach().contiguous();
  const torch::Tensor target = input.target_boxes.detach().contiguous();
  const torch::Tensor logits = input.class_logits.detach().contiguous().reshape({-1});
  const torch::Tensor targets = input.class_targets.detach().contiguous().reshape({-1});
  ExpectedValues sums;
  for (std::int64_t i = 0; i < pred.size(0); ++i) {
    const double* a = pred.data_ptr<double>() + 4 * i;
    const double* b = target.data_ptr<double>() + 4 * i;
    for (int k = 0; k < 4; ++k) {
      sums.l1 = sums.l1 + std::abs(a[k] - b[k]);
    }
    sums.giou = sums.giou + 1.0 - scalar_giou(a, b);
  }
  for (std::int64_t j = 0; j < logits.numel(); ++j) {
    sums.focal =
        sums.focal + scalar_focal(logits.data_ptr<double>()[j], targets.data_ptr<double>()[j],
                                  options.focal_alpha, options.focal_gamma);
  }
  const double normaliser = std::max(static_cast<double>(pred.size(0)), 1.0);
  const ExpectedValues mean{0.0, sums.l1 / normaliser, sums.giou / normaliser,
                            sums.focal / normaliser};
  return ExpectedValues{options.l1_weight * mean.l1 + options.giou_weight * mean.giou +
                            options.focal_weight * mean.focal,
                        mean.l1, mean.giou, mean.focal};
}

TEST(DetectionLoss, MatchesScalarFloat64Reference) {
  for (const FixtureCase& fixture : load_fixture()) {
    const ExpectedValues reference = scalar_reference(fixture.input, fixture.options);
    const DetectionTerms output = detection_loss(fixture.input, fixture.options);
    EXPECT_NEAR(output.total.item<double>(), reference.total, 1e-10) << fixture.name;
    EXPECT_NEAR(output.l1.item<double>(), reference.l1, 1e-10) << fixture.name;
    EXPECT_NEAR(output.giou.item<double>(), reference.giou, 1e-10) << fixture.name;
    EXPECT_NEAR(output.focal.item<double>(), reference.focal, 1e-10) << fixture.name;
  }
}

// ------------------------------------------------------------------------ gradients

// f: R^(shape of x) -> (). Returns: (shape of x) float64 central differences of f at x.
torch::Tensor numerical_gradient(const std::function<torch::Tensor(const torch::Tensor&)>& f,
                                 const torch::Tensor& x, double step) {
  const torch::Tensor flat = x.detach().reshape({-1});
  const torch::Tensor basis = torch::eye(flat.numel(), torch::dtype(torch::kFloat64));
  std::vector<torch::Tensor> slopes;
  for (std::int64_t i = 0; i < flat.numel(); ++i) {
    const torch::Tensor offset = basis.select(0, i) * step;
    const torch::Tensor up = f((flat + offset).reshape(x.sizes()));
    const torch::Tensor down = f((flat - offset).reshape(x.sizes()));
    slopes.push_back((up - down) / (2.0 * step));
  }
  return torch::stack(slopes).reshape(x.sizes());
}

// x: any shape, float64; with(x): the input with x in one of its places. Checks the
// analytic gradient of the total loss at x against central differences.
void expect_gradcheck(const DetectionOptions& options,
                      const std::function<DetectionInput(const torch::Tensor&)>& with,
                      const torch::Tensor& x, const std::string& what) {
  const torch::Tensor leaf = x.detach().requires_grad_(true);
  const torch::Tensor total = detection_loss(with(leaf), options).total;
  const torch::Tensor analytic = gradients(total, {leaf}).front();
  const torch::Tensor numeric = numerical_gradient(
      [&](const torch::Tensor& probe) { return detection_loss(with(probe), options).total; }, x,
      1e-6);
  EXPECT_TRUE(all_close(analytic, numeric, 1e-6, 1e-7)) << what;
  EXPECT_GT(analytic.abs().sum().item<double>(), 0.0) << what;
}

TEST(DetectionLoss, GradcheckFloat64) {
  for (const std::string name : {"random_7_boxes", "custom_weights", "closed_form_pair"}) {
    const FixtureCase fixture = fixture_case(name);
    const DetectionInput& in = fixture.input;
    expect_gradcheck(
        fixture.options,
        [&](const torch::Tensor& p) {
          return DetectionInput{p, in.target_boxes, in.class_logits, in.class_targets};
        },
        in.pred_boxes, name + " pred_boxes");
    expect_gradcheck(
        fixture.options,
        [&](const torch::Tensor& t) {
          return DetectionInput{in.pred_boxes, t, in.class_logits, in.class_targets};
        },
        in.target_boxes, name + " target_boxes");
    expect_gradcheck(
        fixture.options,
        [&](const torch::Tensor& l) {
          return DetectionInput{in.pred_boxes, in.target_boxes, l, in.class_targets};
        },
        in.class_logits, name + " class_logits");
  }
}

TEST(DetectionLoss, Float32GradientsAreFiniteAndNonZero) {
  const FixtureCase fixture = fixture_case("random_7_boxes");
  const DetectionInput input = leaf_input(fixture.input, torch::kFloat32);
  const DetectionTerms output = detection_loss(input, fixture.options);
  const std::vector<torch::Tensor> grads =
      gradients(output.total, {input.pred_boxes, input.target_boxes, input.class_logits});
  for (const torch::Tensor& grad : grads) {
    EXPECT_EQ(grad.scalar_type(), torch::kFloat32);
    EXPECT_TRUE(torch::isfinite(grad).all().item<bool>());
    EXPECT_GT(grad.abs().sum().item<double>(), 0.0);
  }
}

// ------------------------------------------------------------------------ dtype matrix

struct Tolerance {
  double rtol;
  double atol;
};

// The loss rounded once to `dtype` (its inputs are rounded to it by the test itself).
Tolerance tolerance_for(torch::ScalarType dtype) {
  switch (dtype) {
    case torch::kBFloat16:
      return Tolerance{1e-2, 1e-2};  // 8 significand bits
    case torch::kFloat16:
      return Tolerance{2e-3, 1e-3};  // 11 significand bits
    default:
      return Tolerance{1e-5, 1e-6};  // float32 math and result
  }
}

class DtypeMatrix : public ::testing::TestWithParam<torch::ScalarType> {};

// Each loss in `dtype`: result dtype, value against float64 on the same (rounded) inputs,
// finite gradients in `dtype`.
TEST_P(DtypeMatrix, EveryLossMatchesFloat64OnRoundedInputs) {
  const torch::ScalarType dtype = GetParam();
  const Tolerance tolerance = tolerance_for(dtype);
  const FixtureCase fixture = fixture_case("random_7_boxes");
  const DetectionInput low = leaf_input(fixture.input, dtype);
  const DetectionInput wide = leaf_input(low, torch::kFloat64);
  const DetectionTerms output = detection_loss(low, fixture.options);
  const DetectionTerms reference = detection_loss(wide, fixture.options);
  const std::vector<torch::Tensor> values{output.total, output.l1, output.giou, output.focal};
  const std::vector<torch::Tensor> expected{reference.total, reference.l1, reference.giou,
                                            reference.focal};
  for (std::size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(values[i].scalar_type(), dtype) << "term " << i;
    EXPECT_TRUE(all_close(values[i], expected[i], tolerance.rtol, tolerance.atol)) << i;
  }
  const std::vector<torch::Tensor> grads =
      gradients(output.total, {low.pred_boxes, low.target_boxes, low.class_logits});
  for (const torch::Tensor& grad : grads) {
    EXPECT_EQ(grad.scalar_type(), dtype);
    EXPECT_TRUE(torch::isfinite(grad).all().item<bool>());
  }
}

TEST_P(DtypeMatrix, ComponentLossesKeepTheInputDtype) {
  const torch::ScalarType dtype = GetParam();
  const Tolerance tolerance = tolerance_for(dtype);
  const FixtureCase fixture = fixture_case("custom_weights");
  const DetectionInput low = leaf_input(fixture.input, dtype);
  const DetectionInput wide = leaf_input(low, torch::kFloat64);
  const torch::Tensor normaliser = scalar64(3.0);
  const torch::Tensor l1 = l1_box_loss(low.pred_boxes, low.target_boxes, normaliser);
  const torch::Tensor giou = generalized_iou_loss(low.pred_boxes, low.target_boxes, normaliser);
  const torch::Tensor focal =
      sigmoid_focal_loss(low.class_logits, low.class_targets, normaliser, 0.25, 2.0);
  EXPECT_EQ(l1.scalar_type(), dtype);
  EXPECT_EQ(giou.scalar_type(), dtype);
  EXPECT_EQ(focal.scalar_type(), dtype);
  EXPECT_TRUE(all_close(l1, l1_box_loss(wide.pred_boxes, wide.target_boxes, normaliser),
                        tolerance.rtol, tolerance.atol));
  EXPECT_TRUE(all_close(giou, generalized_iou_loss(wide.pred_boxes, wide.target_boxes, normaliser),
                        tolerance.rtol, tolerance.atol));
  EXPECT_TRUE(all_close(
      focal, sigmoid_focal_loss(wide.class_logits, wide.class_targets, normaliser, 0.25, 2.0),
      tolerance.rtol, tolerance.atol));
}

INSTANTIATE_TEST_SUITE_P(Cpu, DtypeMatrix,
                         ::testing::Values(torch::kFloat32, torch::kBFloat16, torch::kFloat16),
                         [](const ::testing::TestParamInfo<torch::ScalarType>& info) {
                           return std::string(c10::toString(info.param));
                         });

// -------------------------------------------------------- degenerate and empty batches

TEST(DegenerateBoxes, FiniteValuesAndGradients) {
  const FixtureCase fixture = fixture_case("degenerate_boxes");
  for (const torch::ScalarType dtype : {torch::kFloat64, torch::kFloat32, torch::kFloat16}) {
    const DetectionInput input = leaf_input(fixture.input, dtype);
    const DetectionTerms output = detection_loss(input, fixture.options);
    EXPECT_TRUE(torch::isfinite(output.total).item<bool>()) << c10::toString(dtype);
    // Every pair has a zero-area box, so every IoU is 0; the GIoU penalty is 0 too
    // (a hull equal to the union, or an empty hull): each term of the GIoU loss is 1.
    EXPECT_NEAR(output.giou.item<double>(), 1.0, 1e-6);
    const std::vector<torch::Tensor> grads =
        gradients(output.total, {input.pred_boxes, input.target_boxes, input.class_logits});
    for (const torch::Tensor& grad : grads) {
      EXPECT_TRUE(torch::isfinite(grad).all().item<bool>()) << c10::toString(dtype);
    }
  }
  const torch::Tensor points = boxes64({1, 1, 1, 1, 5, 5, 5, 5});
  const torch::Tensor giou = aligned_generalized_box_iou(points, points);
  EXPECT_TRUE(torch::isfinite(giou).all().item<bool>());
  EXPECT_TRUE(all_close(box_area(boxes64({3, 3, 1, 1, 0, 0, 0, 2})),
                        torch::zeros({2}, torch::dtype(torch::kFloat64)), 0.0, 0.0));
}

TEST(EmptyBatch, ZeroLossAndZeroGradients) {
  const FixtureCase fixture = fixture_case("empty_batch");
  for (const torch::ScalarType dtype : {torch::kFloat64, torch::kFloat32, torch::kBFloat16}) {
    const DetectionInput input = leaf_input(fixture.input, dtype);
    const DetectionTerms output = detection_loss(input, fixture.options);
    for (const torch::Tensor& value : {output.total, output.l1, output.giou, output.focal}) {
      EXPECT_EQ(value.item<double>(), 0.0) << c10::toString(dtype);
      EXPECT_EQ(value.scalar_type(), dtype);
    }
    const std::vector<torch::Tensor> grads =
        gradients(output.total, {input.pred_boxes, input.target_boxes, input.class_logits});
    EXPECT_EQ(grads[0].sizes(), input.pred_boxes.sizes());
    for (const torch::Tensor& grad : grads) {
      EXPECT_EQ(grad.numel(), 0);
    }
  }
}

TEST(EmptyBatch, NoBoxesButClassRowsNormalisesByOne) {
  const FixtureCase fixture = fixture_case("random_7_boxes");
  const DetectionInput input{fixture.input.pred_boxes.narrow(0, 0, 0),
                             fixture.input.target_boxes.narrow(0, 0, 0), fixture.input.class_logits,
                             fixture.input.class_targets};
  const DetectionTerms output = detection_loss(input, fixture.options);
  EXPECT_EQ(output.l1.item<double>(), 0.0);
  EXPECT_EQ(output.giou.item<double>(), 0.0);
  EXPECT_NEAR(output.focal.item<double>(),
              sigmoid_focal_loss(input.class_logits, input.class_targets, scalar64(1.0),
                                 fixture.options.focal_alpha, fixture.options.focal_gamma)
                  .item<double>(),
              kFloat64Tolerance);
}

// ------------------------------------------------------------ contracts of the API

TEST(DetectionLoss, InputsAreNotModified) {
  const FixtureCase fixture = fixture_case("random_7_boxes");
  const DetectionInput input = leaf_input(fixture.input, torch::kFloat32);
  const std::vector<torch::Tensor> tensors{input.pred_boxes, input.target_boxes, input.class_logits,
                                           input.class_targets};
  std::vector<std::int64_t> versions;
  for (const torch::Tensor& tensor : tensors) {
    versions.push_back(tensor._version());
  }
  const DetectionTerms output = detection_loss(input, fixture.options);
  static_cast<void>(gradients(output.total, tensors));
  for (std::size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_EQ(tensors[i]._version(), versions[i]) << "input " << i << " was modified";
  }
}

TEST(DetectionLoss, RejectsInvalidArguments) {
  const FixtureCase fixture = fixture_case("random_7_boxes");
  const DetectionInput& in = fixture.input;
  DetectionOptions bad_gamma = fixture.options;
  bad_gamma.focal_gamma = 0.5;
  DetectionOptions bad_alpha = fixture.options;
  bad_alpha.focal_alpha = 1.5;
  EXPECT_THROW(static_cast<void>(detection_loss(in, bad_gamma)), c10::Error);
  EXPECT_THROW(static_cast<void>(detection_loss(in, bad_alpha)), c10::Error);
  const DetectionInput three_columns{in.pred_boxes.narrow(1, 0, 3), in.target_boxes.narrow(1, 0, 3),
                                     in.class_logits, in.class_targets};
  EXPECT_THROW(static_cast<void>(detection_loss(three_columns)), c10::Error);
  const DetectionInput mixed{in.pred_boxes.to(torch::kFloat32), in.target_boxes, in.class_logits,
                             in.class_targets};
  EXPECT_THROW(static_cast<void>(detection_loss(mixed)), c10::Error);
}

// ---------------------------------------------------------- agreement with Python

TEST(CrossLanguage, MatchesPythonFixtureValuesAndGradients) {
  const std::vector<FixtureCase> cases = load_fixture();
  ASSERT_GE(cases.size(), 5U);
  for (const FixtureCase& fixture : cases) {
    const DetectionInput input = leaf_input(fixture.input, torch::kFloat64);
    const DetectionTerms output = detection_loss(input, fixture.options);
    EXPECT_NEAR(output.total.item<double>(), fixture.expected.total, kFloat64Tolerance)
        << fixture.name;
    EXPECT_NEAR(output.l1.item<double>(), fixture.expected.l1, kFloat64Tolerance);
    EXPECT_NEAR(output.giou.item<double>(), fixture.expected.giou, kFloat64Tolerance);
    EXPECT_NEAR(output.focal.item<double>(), fixture.expected.focal, kFloat64Tolerance);
    const std::vector<torch::Tensor> grads =
        gradients(output.total,
                  {input.pred_boxes, input.target_boxes, input.class_logits, input.class_targets});
    EXPECT_TRUE(all_close(grads[0], fixture.grad_total.pred_boxes, 1e-10, 1e-12)) << fixture.name;
    EXPECT_TRUE(all_close(grads[1], fixture.grad_total.target_boxes, 1e-10, 1e-12));
    EXPECT_TRUE(all_close(grads[2], fixture.grad_total.class_logits, 1e-10, 1e-12));
    EXPECT_TRUE(all_close(grads[3], fixture.grad_total.class_targets, 1e-10, 1e-12));
  }
}

}  // namespace
}  // namespace torchlint_reference::testing
