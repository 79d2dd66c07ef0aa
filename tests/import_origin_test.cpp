// Where `from M import N` modules come from (TL105): standard library, first-party, third-party.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "linter/semantic/import_origin.h"
#include "linter/semantic/stdlib_modules.h"

namespace torchlint {
namespace {
namespace fs = std::filesystem;

TEST(StdlibModules, UnionOfSupportedVersions) {
  for (const char* name : {"os", "typing", "collections", "dataclasses", "__future__", "tomllib", "asyncio",
                           "distutils", "imp", "asynchat", "formatter", "parser", "symbol", "_thread"}) {
    EXPECT_TRUE(is_stdlib_module(name)) << name;
  }
  for (const char* name : {"torch", "numpy", "typing_extensions", "jaxtyping", "PIL", "setuptools", "pytest"}) {
    EXPECT_FALSE(is_stdlib_module(name)) << name;
  }
}

class ImportOriginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("torchlint_import_origin_" + std::to_string(::getpid()));
    fs::create_directories(root_ / "project_pkg");
    fs::create_directories(root_ / "src" / "src_pkg");
    fs::create_directories(root_ / "app");
    std::ofstream(root_ / "toplevel_module.py") << "\n";
    std::ofstream(root_ / "app" / "neighbour.py") << "\n";
    settings_.root = root_;
    settings_.src = {"src"};
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path root_;
  Settings settings_;
};

TEST_F(ImportOriginTest, Classifies) {
  ImportClassifier classifier(settings_, root_ / "app" / "main.py");
  EXPECT_EQ(classifier.classify("typing"), ImportOrigin::StandardLibrary);
  EXPECT_EQ(classifier.classify("collections.abc"), ImportOrigin::StandardLibrary);
  EXPECT_EQ(classifier.classify("."), ImportOrigin::Relative);
  EXPECT_EQ(classifier.classify("..models"), ImportOrigin::Relative);
  EXPECT_EQ(classifier.classify("jaxtyping"), ImportOrigin::Exempt);
  EXPECT_EQ(classifier.classify("typing_extensions"), ImportOrigin::Exempt);
  EXPECT_EQ(classifier.classify("project_pkg.sub"), ImportOrigin::FirstParty);      // at the root
  EXPECT_EQ(classifier.classify("toplevel_module"), ImportOrigin::FirstParty);      // a module at the root
  EXPECT_EQ(classifier.classify("src_pkg"), ImportOrigin::FirstParty);              // in a `src` directory
  EXPECT_EQ(classifier.classify("neighbour"), ImportOrigin::FirstParty);            // next to the file
  EXPECT_EQ(classifier.classify("torch.nn"), ImportOrigin::ThirdParty);
  EXPECT_EQ(classifier.classify("torchvision.tv_tensors"), ImportOrigin::ThirdParty);
}

TEST_F(ImportOriginTest, NeighboursOnlyOfTheImportingFile) {
  ImportClassifier classifier(settings_, root_ / "other.py");
  EXPECT_EQ(classifier.classify("neighbour"), ImportOrigin::ThirdParty);
  EXPECT_EQ(top_level_module("torch.nn.functional"), "torch");
}

}  // namespace
}  // namespace torchlint
