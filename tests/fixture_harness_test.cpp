// The fixture harness: every file under fixtures/ states its expected diagnostics and
// they are compared exactly (code, row, column), both ways.
//
// A fixture named `TLxxx*.ext` runs rule TLxxx alone (or the codes of a
// `# fixture-select: TL501, TL502` line). Expectations are comment lines anywhere:
//   # expect: 6:7 TL501        (Python)
//   // expect: 12:3 TL201      (C++)
// A sidecar `<fixture stem>.toml` next to the fixture (torchlint.toml syntax) configures it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>
#include <tuple>

#include "linter/config/config_loader.h"
#include "linter/run/lint_file.h"

namespace torchlint {
namespace {
namespace fs = std::filesystem;

using Expectation = std::tuple<std::uint32_t, std::uint32_t, std::string>;  // row, column, code

std::vector<std::string> fixture_files() {
  std::vector<std::string> files;
  const fs::path root = fs::path(TORCHLINT_SOURCE_DIR) / "fixtures";
  if (!fs::exists(root)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("TL") || entry.path().extension() == ".toml" || entry.path().extension() == ".md") continue;
    // Multi-file fixture projects and fix fixtures (input -> expected output) have their own tests.
    const std::string relative = fs::relative(entry.path(), root).generic_string();
    if (relative.starts_with("projects/") || relative.starts_with("fixes/")) continue;
    if (entry.path().string().find("/fixes/") != std::string::npos) continue;     // fix fixtures: tests/fix_test.cpp
    files.push_back(fs::relative(entry.path(), root).generic_string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_all(const fs::path& path) {
  std::string content, error;
  EXPECT_TRUE(read_file(path, content, error)) << path << ": " << error;
  return content;
}

class FixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureTest, DiagnosticsMatchExpectations) {
  const fs::path path = fs::path(TORCHLINT_SOURCE_DIR) / "fixtures" / GetParam();
  const std::string text = read_all(path);

  std::set<Expectation> expected;
  std::vector<std::string> select;
  static const std::regex kExpect(R"(^\s*(?:#|//)\s*expect:\s*(\d+):(\d+)\s+(TL\d{3})\s*$)");
  static const std::regex kSelect(R"(^\s*(?:#|//)\s*fixture-select:\s*(.+)$)");
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::smatch match;
    if (std::regex_match(line, match, kExpect)) {
      expected.emplace(std::stoul(match[1]), std::stoul(match[2]), match[3]);
    } else if (std::regex_match(line, match, kSelect)) {
      std::istringstream codes(match[1].str());
      std::string code;
      while (std::getline(codes, code, ',')) {
        code.erase(std::remove(code.begin(), code.end(), ' '), code.end());
        if (!code.empty()) select.push_back(code);
      }
    }
  }
  if (select.empty()) select.push_back(path.filename().string().substr(0, 5));

  Settings settings;
  const fs::path sidecar = fs::path(path).replace_extension(".toml");
  if (fs::exists(sidecar)) settings = *load_config_file(sidecar);
  settings.root = path.parent_path();
  settings.selection.select = select;
  settings.selection.extend_select.clear();
  settings.selection.ignore.clear();
  settings.selection.preview = true;
  const RuleSet rules(settings.selection);

  std::set<Expectation> actual;
  for (const auto& d : lint_path(path, path.string(), settings, rules)) {
    actual.emplace(d.range.start.row, d.range.start.column, std::string(d.rule->code));
  }
  auto describe = [](const std::set<Expectation>& set) {
    std::string out;
    for (const auto& [row, column, code] : set) out += "  " + std::to_string(row) + ":" + std::to_string(column) + " " + code + "\n";
    return out.empty() ? std::string("  (none)\n") : out;
  };
  std::set<Expectation> missing, unexpected;
  std::set_difference(expected.begin(), expected.end(), actual.begin(), actual.end(), std::inserter(missing, missing.end()));
  std::set_difference(actual.begin(), actual.end(), expected.begin(), expected.end(), std::inserter(unexpected, unexpected.end()));
  EXPECT_TRUE(missing.empty() && unexpected.empty())
      << GetParam() << "\nexpected but not reported:\n" << describe(missing) << "reported but not expected:\n"
      << describe(unexpected);
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureTest, ::testing::ValuesIn(fixture_files()), test_name);

TEST(FixtureHarness, EveryRuleWithChecksHasFixtures) {
  const auto files = fixture_files();
  for (const Rule* rule : all_rules()) {
    for (const auto& [hooks, directory] : {std::pair{&rule->python, "python/"}, std::pair{&rule->cpp, "cpp/"}}) {
      if (hooks->make == nullptr) continue;
      // A named copy: clang 14 cannot capture a structured binding in a lambda.
      const std::string prefix = directory + std::string(rule->info.code);
      const bool found = std::any_of(files.begin(), files.end(),
                                     [&](const std::string& file) { return file.starts_with(prefix); });
      EXPECT_TRUE(found) << rule->info.code << " has no fixture under fixtures/" << directory;
    }
  }
}

}  // namespace
}  // namespace torchlint
