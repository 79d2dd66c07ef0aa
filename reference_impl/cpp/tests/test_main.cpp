// Copyright (c) torchlint authors. GoogleTest entry point of the exemplar's C++ tests.
//
// The distributed test (test_distributed.cpp) re-runs this binary once per rank with
// REFIMPL_WORKER_RANK set; such a worker runs only the DistributedWorker.* tests, and a
// normal run (or a test listing) leaves them out.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const bool is_worker = std::getenv("REFIMPL_WORKER_RANK") != nullptr;
  const std::string filter = ::testing::GTEST_FLAG(filter);
  if (is_worker) {
    ::testing::GTEST_FLAG(filter) = "DistributedWorker.*";
  } else if (filter == "*") {
    ::testing::GTEST_FLAG(filter) = "-DistributedWorker.*";
  }
  return RUN_ALL_TESTS();
}
