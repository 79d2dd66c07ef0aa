// Copyright (c) torchlint authors. Helpers shared by the exemplar's C++ tests: the
// cross-language fixture (written by reference_impl/python, see fixture.py), casts and
// comparisons.
#pragma once

#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/types.h>

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "torchlint_reference/detection_loss.h"

namespace torchlint_reference::testing {

// How a case's rows are dealt to the ranks of the distributed test, in order.
struct RankSplit {
  std::vector<std::int64_t> boxes;  // N_r per rank
  std::vector<std::int64_t> rows;   // M_r per rank
};

// The values Python computed in float64 (every field a double).
struct ExpectedValues {
  double total = 0.0;
  double l1 = 0.0;
  double giou = 0.0;
  double focal = 0.0;
};

// d total / d input, float64, each shaped like its input.
struct InputGradients {
  torch::Tensor pred_boxes;     // (N, 4)
  torch::Tensor target_boxes;   // (N, 4)
  torch::Tensor class_logits;   // (M, C)
  torch::Tensor class_targets;  // (M, C)
};

struct FixtureCase {
  std::string name;
  DetectionInput input;  // float64
  DetectionOptions options;
  ExpectedValues expected;
  InputGradients grad_total;
  std::vector<RankSplit> splits;
};

// record: {"shape": [...], "data": [...]}. Returns: that shape, float64, CPU.
inline torch::Tensor tensor_from_record(const nlohmann::json& record) {
  const auto data = record.at("data").get<std::vector<double>>();
  const auto shape = record.at("shape").get<std::vector<std::int64_t>>();
  return torch::tensor(at::ArrayRef<double>(data), torch::dtype(torch::kFloat64)).reshape(shape);
}

inline DetectionOptions options_from_record(const nlohmann::json& record) {
  DetectionOptions options;
  options.l1_weight = record.at("l1_weight").get<double>();
  options.giou_weight = record.at("giou_weight").get<double>();
  options.focal_weight = record.at("focal_weight").get<double>();
  options.focal_alpha = record.at("focal_alpha").get<double>();
  options.focal_gamma = record.at("focal_gamma").get<double>();
  return options;
}

inline FixtureCase case_from_record(const nlohmann::json& record) {
  const nlohmann::json& inputs = record.at("inputs");
  const nlohmann::json& grads = record.at("grad_total");
  const nlohmann::json& expected = record.at("expected");
  FixtureCase fixture_case;
  fixture_case.name = record.at("name").get<std::string>();
  fixture_case.input = DetectionInput{tensor_from_record(inputs.at("pred_boxes")),
                                      tensor_from_record(inputs.at("target_boxes")),
                                      tensor_from_record(inputs.at("class_logits")),
                                      tensor_from_record(inputs.at("class_targets"))};
  fixture_case.options = options_from_record(record.at("options"));
  fixture_case.expected =
      ExpectedValues{expected.at("total").get<double>(), expected.at("l1").get<double>(),
                     expected.at("giou").get<double>(), expected.at("focal").get<double>()};
  fixture_case.grad_total = InputGradients{
      tensor_from_record(grads.at("pred_boxes")), tensor_from_record(grads.at("target_boxes")),
      tensor_from_record(grads.at("class_logits")), tensor_from_record(grads.at("class_targets"))};
  for (const nlohmann::json& split : record.at("splits")) {
    fixture_case.splits.push_back(RankSplit{split.at("boxes").get<std::vector<std::int64_t>>(),
                                            split.at("rows").get<std::vector<std::int64_t>>()});
  }
  return fixture_case;
}

// Every case of reference_impl/fixtures/detection_loss_cases.json, in file order.
inline std::vector<FixtureCase> load_fixture() {
  std::ifstream stream(REFIMPL_FIXTURE_PATH);
  EXPECT_TRUE(stream.good()) << "cannot read " << REFIMPL_FIXTURE_PATH;
  const nlohmann::json document = nlohmann::json::parse(stream);
  std::vector<FixtureCase> cases;
  for (const nlohmann::json& record : document.at("cases")) {
    cases.push_back(case_from_record(record));
  }
  return cases;
}

// The fixture case called `name`; fails the test (and returns the first case) if absent.
inline FixtureCase fixture_case(const std::string& name) {
  const std::vector<FixtureCase> cases = load_fixture();
  for (const FixtureCase& candidate : cases) {
    if (candidate.name == name) {
      return candidate;
    }
  }
  ADD_FAILURE() << "no fixture case " << name;
  return cases.front();
}

// Every tensor of `input` cast to `dtype`, detached, as new autograd leaves (the
// targets too, so that their gradients can be checked).
inline DetectionInput leaf_input(const DetectionInput& input, torch::ScalarType dtype) {
  return DetectionInput{input.pred_boxes.to(dtype).detach().requires_grad_(true),
                        input.target_boxes.to(dtype).detach().requires_grad_(true),
                        input.class_logits.to(dtype).detach().requires_grad_(true),
                        input.class_targets.to(dtype).detach().requires_grad_(true)};
}

// outputs: () each; inputs: any shapes. Returns: d output / d input for each input, zeros
// (of the input's shape and dtype) where an input does not contribute.
inline std::vector<torch::Tensor> gradients(const torch::Tensor& output,
                                            const std::vector<torch::Tensor>& inputs) {
  const std::vector<torch::Tensor> raw =
      torch::autograd::grad({output}, inputs, {}, /*retain_graph=*/true,
                            /*create_graph=*/false, /*allow_unused=*/true);
  std::vector<torch::Tensor> result;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    result.push_back(raw[i].defined() ? raw[i] : torch::zeros_like(inputs[i]));
  }
  return result;
}

// actual, expected: same shape, any floating dtypes. Passes when
// |actual - expected| <= atol + rtol * |expected| element-wise (compared in float64).
inline ::testing::AssertionResult all_close(const torch::Tensor& actual,
                                            const torch::Tensor& expected, double rtol,
                                            double atol) {
  if (actual.sizes() != expected.sizes()) {
    return ::testing::AssertionFailure()
           << "shapes differ: " << actual.sizes() << " vs " << expected.sizes();
  }
  const torch::Tensor a = actual.detach().to(torch::kFloat64);
  const torch::Tensor e = expected.detach().to(torch::kFloat64);
  if (torch::allclose(a, e, rtol, atol)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "not close (rtol " << rtol << ", atol " << atol << "):\nactual\n"
         << a << "\nexpected\n"
         << e;
}

}  // namespace torchlint_reference::testing
