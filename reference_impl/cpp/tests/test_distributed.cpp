// Copyright (c) torchlint authors. Distributed test of the exemplar's C++ detection loss:
// two ranks of a c10d gloo process group on the CPU (FileStore rendezvous, loopback
// transport), each holding a different number of boxes, against the single-process
// result on the concatenated batch.
//
// Distributed.TwoGlooRanksMatchSingleProcess re-runs this test binary twice with
// REFIMPL_WORKER_RANK / _WORLD_SIZE / _STORE set; test_main.cpp then runs only the
// DistributedWorker.* tests, which do the collective work and assert.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/wait.h>
#include <torch/autograd.h>
#include <torch/types.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <torch/csrc/distributed/c10d/FileStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <vector>

#include "test_support.h"
#include "torchlint_reference/c10d_collective.h"
#include "torchlint_reference/detection_loss.h"

extern char** environ;

namespace torchlint_reference::testing {
namespace {

constexpr int kWorldSize = 2;
constexpr double kTolerance = 1e-12;

// ------------------------------------------------------------------------ the launcher

// Returns: the environment of this process plus the worker variables.
std::vector<std::string> worker_environment(int rank, const std::string& store_path) {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    environment.emplace_back(*entry);
  }
  environment.push_back("REFIMPL_WORKER_RANK=" + std::to_string(rank));
  environment.push_back("REFIMPL_WORKER_WORLD_SIZE=" + std::to_string(kWorldSize));
  environment.push_back("REFIMPL_WORKER_STORE=" + store_path);
  return environment;
}

// Starts this executable as worker `rank`; returns its pid (-1 on failure).
pid_t spawn_worker(int rank, const std::string& store_path) {
  std::vector<std::string> environment = worker_environment(rank, store_path);
  std::vector<char*> envp;
  for (std::string& entry : environment) {
    envp.push_back(entry.data());
  }
  envp.push_back(nullptr);
  std::string executable = "/proc/self/exe";
  std::string filter = "--gtest_filter=DistributedWorker.*";
  std::vector<char*> argv{executable.data(), filter.data(), nullptr};
  pid_t pid = -1;
  const int error =
      posix_spawn(&pid, executable.c_str(), nullptr, nullptr, argv.data(), envp.data());
  return error == 0 ? pid : -1;
}

TEST(Distributed, TwoGlooRanksMatchSingleProcess) {
  std::string pattern = (std::filesystem::temp_directory_path() / "refimpl-c10d-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const std::filesystem::path directory(pattern);
  std::vector<pid_t> workers;
  for (int rank = 0; rank < kWorldSize; ++rank) {
    workers.push_back(spawn_worker(rank, (directory / "store").string()));
    ASSERT_GT(workers.back(), 0) << "cannot start worker " << rank;
  }
  for (std::size_t rank = 0; rank < workers.size(); ++rank) {
    int status = 0;
    ASSERT_EQ(waitpid(workers[rank], &status, 0), workers[rank]);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "worker " << rank << " failed (status " << status << "); see its output above";
  }
  std::filesystem::remove_all(directory);
}

// ------------------------------------------------------------------------- the workers

using GlooCollective = ProcessGroupCollective<c10d::ProcessGroupGloo>;

struct WorkerGroup {
  int rank = 0;
  int world_size = 1;
  std::unique_ptr<GlooCollective> collective;
};

// Joins the gloo group described by the REFIMPL_WORKER_* variables (once per process).
WorkerGroup make_worker_group() {
  WorkerGroup group;
  group.rank = std::atoi(std::getenv("REFIMPL_WORKER_RANK"));
  group.world_size = std::atoi(std::getenv("REFIMPL_WORKER_WORLD_SIZE"));
  const auto store =
      c10::make_intrusive<c10d::FileStore>(std::getenv("REFIMPL_WORKER_STORE"), group.world_size);
  auto options = c10d::ProcessGroupGloo::Options::create(std::chrono::seconds(60));
  options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  group.collective = std::make_unique<GlooCollective>(
      c10::make_intrusive<c10d::ProcessGroupGloo>(store, group.rank, group.world_size, options));
  return group;
}

const WorkerGroup& worker_group() {
  static const WorkerGroup group = make_worker_group();
  return group;
}

// A stand-in for a model replicated by DDP: boxes and logits computed from per-rank
// features through parameters shared by every rank.
struct SharedParameters {
  torch::Tensor box_offset;   // (4,) float64
  torch::Tensor logit_scale;  // (C,) float64
};

SharedParameters fresh_parameters(std::int64_t num_classes) {
  const torch::Tensor offset = torch::tensor({0.1, -0.2, 0.3, 0.05}, torch::dtype(torch::kFloat64));
  const torch::Tensor scale = torch::linspace(0.8, 1.2, num_classes, torch::dtype(torch::kFloat64));
  return SharedParameters{offset.requires_grad_(true), scale.requires_grad_(true)};
}

// The leaves of one run: the features and the parameters, in this order.
struct RunLeaves {
  torch::Tensor pred_features;   // (N, 4)
  torch::Tensor logit_features;  // (M, C)
  SharedParameters parameters;
};

// features: float64 (rows of the fixture). Returns: the loss input computed from fresh
// leaves, which `leaves` receives.
DetectionInput model_input(const DetectionInput& features, RunLeaves& leaves) {
  leaves.pred_features = features.pred_boxes.detach().requires_grad_(true);
  leaves.logit_features = features.class_logits.detach().requires_grad_(true);
  leaves.parameters = fresh_parameters(features.class_logits.size(1));
  return DetectionInput{leaves.pred_features + leaves.parameters.box_offset, features.target_boxes,
                        leaves.logit_features * leaves.parameters.logit_scale,
                        features.class_targets};
}

// The rows [start, start + length) of every tensor of `input`, per the split.
DetectionInput rank_slice(const DetectionInput& input, const RankSplit& split, int rank) {
  std::int64_t box_start = 0;
  std::int64_t row_start = 0;
  for (int r = 0; r < rank; ++r) {
    box_start = box_start + split.boxes[r];
    row_start = row_start + split.rows[r];
  }
  const std::int64_t boxes = split.boxes[rank];
  const std::int64_t rows = split.rows[rank];
  return DetectionInput{input.pred_boxes.narrow(0, box_start, boxes),
                        input.target_boxes.narrow(0, box_start, boxes),
                        input.class_logits.narrow(0, row_start, rows),
                        input.class_targets.narrow(0, row_start, rows)};
}

std::vector<torch::Tensor> leaf_list(const RunLeaves& leaves) {
  return {leaves.pred_features, leaves.logit_features, leaves.parameters.box_offset,
          leaves.parameters.logit_scale};
}

// The per-rank losses reduced for logging equal the single-process losses.
void expect_logged_values(const DetectionTerms& local, const DetectionTerms& single,
                          const Collective& collective) {
  const std::vector<torch::Tensor> local_terms{local.total, local.l1, local.giou, local.focal};
  const std::vector<torch::Tensor> single_terms{single.total, single.l1, single.giou, single.focal};
  for (std::size_t i = 0; i < local_terms.size(); ++i) {
    EXPECT_TRUE(
        all_close(reduce_for_logging(local_terms[i], collective), single_terms[i], 0.0, kTolerance))
        << "term " << i << " (total, l1, giou, focal)";
  }
}

// DDP-averaged parameter gradients equal the single-process ones; the gradient with
// respect to this rank's features is world_size times its slice of the single-process one.
void expect_gradients(const std::vector<torch::Tensor>& local,
                      const std::vector<torch::Tensor>& single, const RankSplit& split,
                      const WorkerGroup& group) {
  const double world = static_cast<double>(group.world_size);
  const DetectionInput single_slice =
      rank_slice(DetectionInput{single[0], single[0], single[1], single[1]}, split, group.rank);
  EXPECT_TRUE(all_close(local[0] / world, single_slice.pred_boxes, 1e-10, kTolerance));
  EXPECT_TRUE(all_close(local[1] / world, single_slice.class_logits, 1e-10, kTolerance));
  for (std::size_t i = 2; i < local.size(); ++i) {
    const torch::Tensor averaged = group.collective->all_reduce_sum(local[i]) / world;
    EXPECT_TRUE(all_close(averaged, single[i], 1e-10, kTolerance)) << "parameter " << i;
  }
}

TEST(DistributedWorker, LossAndGradientsMatchSingleProcess) {
  if (std::getenv("REFIMPL_WORKER_RANK") == nullptr) {
    GTEST_SKIP() << "runs inside Distributed.TwoGlooRanksMatchSingleProcess";
  }
  const WorkerGroup& group = worker_group();
  const FixtureCase fixture = fixture_case("random_7_boxes");
  ASSERT_EQ(fixture.splits.size(), 2U);
  for (const RankSplit& split : fixture.splits) {
    RunLeaves single_leaves;
    const DetectionTerms single =
        detection_loss(model_input(fixture.input, single_leaves), fixture.options);
    RunLeaves local_leaves;
    const DetectionTerms local =
        detection_loss(model_input(rank_slice(fixture.input, split, group.rank), local_leaves),
                       fixture.options, *group.collective);
    expect_logged_values(local, single, *group.collective);
    expect_gradients(gradients(local.total, leaf_list(local_leaves)),
                     gradients(single.total, leaf_list(single_leaves)), split, group);
  }
}

TEST(DistributedWorker, NormaliserIsTheMeanBoxCountOverRanks) {
  if (std::getenv("REFIMPL_WORKER_RANK") == nullptr) {
    GTEST_SKIP() << "runs inside Distributed.TwoGlooRanksMatchSingleProcess";
  }
  const WorkerGroup& group = worker_group();
  const std::int64_t local_boxes = group.rank == 0 ? 0 : 3;  // (0 + 3) / 2 ranks = 1.5
  const torch::Tensor boxes = torch::zeros({local_boxes, 4}, torch::dtype(torch::kBFloat16));
  const torch::Tensor normaliser = box_count_normaliser(boxes, *group.collective);
  EXPECT_EQ(normaliser.scalar_type(), torch::kFloat32);
  EXPECT_DOUBLE_EQ(normaliser.item<double>(), 1.5);
  const torch::Tensor none = torch::zeros({0, 4}, torch::dtype(torch::kFloat64));
  EXPECT_DOUBLE_EQ(box_count_normaliser(none, *group.collective).item<double>(), 1.0);
}

}  // namespace
}  // namespace torchlint_reference::testing
