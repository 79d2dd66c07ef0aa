// TL9 end to end: the fixture project under fixtures/projects/tl9 has losses tested
// fully, partially and not at all, tests in an excluded file (still indexed) and in a
// git-ignored directory (not indexed).
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace {

struct Finding {
  std::string file;
  int row;
  int column;
  std::string code;
  auto operator<=>(const Finding&) const = default;
};

std::set<Finding> run_json_lines(const std::string& arguments) {
  const std::string project = std::string(TORCHLINT_SOURCE_DIR) + "/fixtures/projects/tl9";
  const std::string command = "cd '" + project + "' && '" + TORCHLINT_BINARY + "' check --output-format json-lines " +
                              arguments + " 2>&1";
  std::set<Finding> findings;
  FILE* pipe = popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  std::array<char, 4096> buffer{};
  std::string output;
  while (fgets(buffer.data(), buffer.size(), pipe) != nullptr) output += buffer.data();
  pclose(pipe);
  std::size_t start = 0;
  while (start < output.size()) {
    const std::size_t end = output.find('\n', start);
    const std::string line = output.substr(start, end - start);
    start = end == std::string::npos ? output.size() : end + 1;
    if (line.empty()) continue;
    auto json = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << line;
    if (json.is_discarded()) continue;
    std::string file = json["filename"];
    file = file.substr(file.rfind("/tl9/") + 5);
    findings.insert({file, json["location"]["row"], json["location"]["column"], json["code"]});
  }
  return findings;
}

const std::set<Finding> kExpected = {
    {"src/mylib/losses.py", 10, 5, "TL904"},  // box_l1_loss: class-level dtypes, backward, no distributed
    {"src/mylib/losses.py", 14, 5, "TL902"},  // giou_loss: float32 only
    {"src/mylib/losses.py", 14, 5, "TL903"},  // giou_loss: no backward
    {"src/mylib/losses.py", 14, 5, "TL904"},
    {"src/mylib/losses.py", 18, 5, "TL901"},  // dice_loss: only a non-test helper and an ignored file mention it
    {"src/mylib/losses.py", 22, 5, "TL901"},  // smooth_l1_loss: tests use torch's F.smooth_l1_loss
};

TEST(ProjectRules, WholeProjectRun) { EXPECT_EQ(run_json_lines("."), kExpected); }

TEST(ProjectRules, PreCommitStyleRunNamingOnlyTheLossFileReportsTheSame) {
  EXPECT_EQ(run_json_lines("src/mylib/losses.py"), kExpected);
}

TEST(ProjectRules, FindingsAppearOnlyInCheckedFiles) {
  // Checking only a test file reports nothing: the losses' file is not being checked.
  EXPECT_TRUE(run_json_lines("tests/test_boxes.py").empty());
}

}  // namespace
