// The type-aware C++ engine end to end (issue 11): fixtures/projects/clang is configured with
// CMake against Debian's LibTorch (which exports compile_commands.json with absolute paths),
// then checked with and without the database. Both answers are pinned exactly, so the cases
// where the syntax rules are wrong (false positives and false negatives) stay visible.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/process_support.h"

#ifndef TORCHLINT_CLANG_ENABLED
#define TORCHLINT_CLANG_ENABLED 0
#endif
#ifndef TORCHLINT_CLANG_REQUESTED
#define TORCHLINT_CLANG_REQUESTED 0
#endif

namespace {

namespace fs = std::filesystem;
using torchlint::testing::run_process;

struct Finding {
  std::string file;
  int row;
  int column;
  std::string code;
  auto operator<=>(const Finding&) const = default;
};

void PrintTo(const Finding& f, std::ostream* os) { *os << f.file << ":" << f.row << ":" << f.column << " " << f.code; }

const fs::path kProject = fs::path(TORCHLINT_SOURCE_DIR) / "fixtures/projects/clang";

struct CheckRun {
  int exit_code = -1;
  std::set<Finding> findings;
  std::string err;
};

CheckRun check(const std::vector<std::string>& extra) {
  std::vector<std::string> args = {"check", "--no-cache", "--exit-zero", "--output-format", "json-lines"};
  args.insert(args.end(), extra.begin(), extra.end());
  args.emplace_back(".");
  torchlint::testing::ProcessOptions options;
  options.cwd = kProject;
  auto result = run_process(TORCHLINT_BINARY, args, options);
  CheckRun run;
  run.exit_code = result.exit_code;
  run.err = result.err;
  std::size_t start = 0;
  while (start < result.out.size()) {
    const std::size_t end = result.out.find('\n', start);
    const std::string line = result.out.substr(start, end - start);
    start = end == std::string::npos ? result.out.size() : end + 1;
    if (line.empty()) continue;
    auto json = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << line;
    if (json.is_discarded()) continue;
    std::string file = json["filename"];
    if (auto pos = file.rfind("/clang/"); pos != std::string::npos) file = file.substr(pos + 7);
    if (file.starts_with("./")) file = file.substr(2);
    run.findings.insert({file, json["location"]["row"], json["location"]["column"], json["code"]});
  }
  return run;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

// The syntax rules (no database): every C++ file of the fixture.
const std::set<Finding> kSyntax = {
    {"src/broken.cpp", 8, 34, "TL501"},
    {"src/model.cpp", 28, 10, "TL602"},      // false positive: `Guard` is a NoGradGuard alias from a header
    {"src/model.cpp", 33, 10, "TL602"},
    {"src/model.cpp", 43, 10, "TL602"},      // false positive: Evaluator is not a module
    {"src/model.cpp", 47, 33, "TL701"},
    {"src/model.cpp", 48, 27, "TL701"},
    {"src/operations.cpp", 28, 13, "TL501"},
    {"src/operations.cpp", 47, 9, "TL501"},  // false positive: Accumulator::add_
    {"src/operations.cpp", 48, 9, "TL702"},  // false positive: Accumulator::cuda
    {"src/operations.cpp", 49, 12, "TL701"}, // false positive: Accumulator::to(std::string)
    {"src/operations.cpp", 50, 5, "TL702"},
    {"src/operations.cpp", 70, 19, "TL201"},
    {"src/standalone.cpp", 6, 38, "TL501"},
};

// With the database: operations.cpp and model.cpp by type; broken.cpp gets a TL002 note and the
// syntax rules; standalone.cpp and the header are not in the database (syntax rules, one note).
const std::set<Finding> kClang = {
    {"src/broken.cpp", 3, 10, "TL002"},      // note: 'generated/config.h' file not found
    {"src/broken.cpp", 8, 34, "TL501"},      // ... and the syntax rules
    {"src/model.cpp", 10, 31, "TL801"},      // Head derives from a header's torch::nn::Module subclass
    {"src/model.cpp", 33, 10, "TL602"},
    {"src/model.cpp", 38, 10, "TL602"},      // (*net).forward(x) through std::shared_ptr
    {"src/model.cpp", 47, 33, "TL701"},
    {"src/model.cpp", 48, 27, "TL701"},
    {"src/operations.cpp", 27, 5, "TL504"},  // member torch::Tensor weight_
    {"src/operations.cpp", 28, 13, "TL501"},
    {"src/operations.cpp", 37, 3, "TL504"},  // template instantiated with torch::Tensor
    {"src/operations.cpp", 42, 3, "TL504"},  // auto t = make_features(x) from a header
    {"src/operations.cpp", 43, 3, "TL504"},  // using Tensor = at::Tensor
    {"src/operations.cpp", 45, 3, "TL504"},  // an element of std::vector<torch::Tensor>
    {"src/operations.cpp", 50, 5, "TL702"},
    {"src/operations.cpp", 55, 3, "TL501"},  // relu_(u) found by ADL: at::relu_
    {"src/operations.cpp", 56, 3, "TL503"},  // add_out(u, t, t) found by ADL: at::add_out
    {"src/operations.cpp", 63, 19, "TL201"}, // options variable without a dtype
    {"src/operations.cpp", 65, 19, "TL201"}, // options from a helper of this file without a dtype
    {"src/operations.cpp", 70, 19, "TL201"},
    {"src/standalone.cpp", 6, 38, "TL501"},  // not in the database
};

// Configures the fixture into a build directory of this test's own (ctest runs the tests in
// parallel, each in its own process); returns that directory, which holds compile_commands.json.
fs::path configure_fixture(std::string& error) {
  const std::string test = ::testing::UnitTest::GetInstance()->current_test_info()->name();
  const fs::path build = fs::path(TORCHLINT_BUILD_DIR) / "fixtures/clang" / test;
  auto result = run_process(TORCHLINT_CMAKE_COMMAND, {"-S", kProject.string(), "-B", build.string(), "-G",
                                                      TORCHLINT_CMAKE_GENERATOR, "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON"});
  if (result.exit_code != 0 || !fs::exists(build / "compile_commands.json")) {
    error = "configuring " + kProject.string() + " failed (is libtorch-dev installed?):\n" + result.out + result.err;
  }
  return build;
}

class ClangEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TORCHLINT_CLANG_ENABLED) {
      if (TORCHLINT_CLANG_REQUESTED) FAIL() << "TORCHLINT_WITH_CLANG=ON, but torchlint was built without Clang";
      GTEST_SKIP() << "torchlint was built without Clang (TORCHLINT_WITH_CLANG=AUTO found no libclang-cpp14-dev, "
                      "libclang-14-dev, llvm-14-dev); the type-aware engine is not tested";
    }
    std::string error;
    database_ = configure_fixture(error);
    ASSERT_TRUE(error.empty()) << error;
  }
  fs::path database_;
};

TEST(ClangEngineSyntax, WithoutADatabaseTheSyntaxRulesDecide) {
  const CheckRun run = check({});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.findings, kSyntax);
  EXPECT_EQ(run.err.find("compilation database"), std::string::npos) << run.err;
}

TEST_F(ClangEngine, WithTheDatabaseTypesDecide) {
  const CheckRun run = check({"--compile-commands", database_.string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.findings, kClang);
  // Said once: which files were not in the database, and which Clang could not compile.
  EXPECT_EQ(count(run.err, "not in the compilation database"), 1U) << run.err;
  EXPECT_NE(run.err.find("include/fixture_api.h"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("src/standalone.cpp"), std::string::npos) << run.err;
  EXPECT_EQ(count(run.err, "Clang could not compile 1 file"), 1U) << run.err;
}

TEST_F(ClangEngine, ConfigKeyAndOneJobGiveTheSameAnswer) {
  // `compile-commands` in a configuration file; -j 1 must report exactly what -j N does. TL003
  // is selected too: the NOLINT(TL504) of operations.cpp suppresses a finding of the Clang
  // engine, so it is not unused.
  const fs::path config = database_ / "torchlint-clang-test.toml";
  {
    std::ofstream out(config);
    out << "select = [\"ALL\"]\nextend-select = [\"TL003\"]\ncompile-commands = \"" << database_.string() << "\"\n";
  }
  const CheckRun run = check({"--config", config.string(), "-j", "1"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.findings, kClang);
}

TEST(ClangEngineSyntax, WithoutADatabaseTheTypeAwareNolintIsUnused) {
  const CheckRun run = check({"--extend-select", "TL003"});
  std::set<Finding> expected = kSyntax;
  expected.insert({"src/operations.cpp", 57, 12, "TL003"});
  EXPECT_EQ(run.findings, expected);
}

TEST(ClangEngineSyntax, MissingDatabaseIsAUsageError) {
  const CheckRun run = check({"--compile-commands", "/nonexistent/torchlint/build"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
}

}  // namespace

namespace {

// A database naming every C++ file of the fixture with flags any compiler accepts; no CMake
// or LibTorch needed, so this runs in every build (the sanitizer tree has no Clang engine).
fs::path write_plain_database(const std::string& name) {
  const fs::path directory = fs::path(TORCHLINT_BUILD_DIR) / "fixtures/clang-plain" / name;
  fs::create_directories(directory);
  nlohmann::json commands = nlohmann::json::array();
  for (const auto& entry : fs::recursive_directory_iterator(kProject)) {
    if (entry.path().extension() != ".cpp") continue;
    commands.push_back({{"directory", kProject.string()},
                        {"file", entry.path().string()},
                        {"arguments", {"c++", "-std=c++17", "-fsyntax-only", entry.path().string()}}});
  }
  std::ofstream(directory / "compile_commands.json") << commands.dump(2);
  return directory;
}

TEST(ClangEngineSyntax, ABuildWithoutClangSaysSoOnceAndUsesTheSyntaxRules) {
  const fs::path database = write_plain_database("fallback");
  const CheckRun run = check({"--compile-commands", database.string()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  if (TORCHLINT_CLANG_ENABLED) {
    EXPECT_EQ(count(run.err, "built without Clang"), 0U) << run.err;
  } else {
    EXPECT_EQ(count(run.err, "built without Clang"), 1U) << run.err;
    EXPECT_EQ(run.findings, kSyntax);
  }
}

}  // namespace
