// Baselines (issue 12, docs/baseline.md): --write-baseline records findings keyed by file,
// code and a fingerprint of the line's normalised text and its enclosing definitions;
// --baseline / the `baseline` key then reports only findings that are new.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "linter/run/baseline.h"
#include "process_support.h"

namespace torchlint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::read_text;
using testing::run_torchlint;
using testing::TempDir;

const char* kConfig = "select = [\"TL201\", \"TL501\", \"TL601\"]\n";

const char* kOriginal =
    "import torch\n"
    "\n"
    "\n"
    "def first(x: torch.Tensor) -> torch.Tensor:\n"
    "    a = torch.zeros(3)\n"
    "    x.add_(1)\n"
    "    x.add_(1)\n"
    "    return x + a\n"
    "\n"
    "\n"
    "def second(y: torch.Tensor) -> torch.Tensor:\n"
    "    c = torch.ones(2)\n"
    "    y.mul_(2)\n"
    "    return y + c\n";

// 20 new lines above every finding, and `second` edited (its findings' lines kept, others changed).
const char* kShifted =
    "import torch\n"
    "\n"
    "# Twenty lines of new code above the old findings.\n"
    "SCALE = 2\n"
    "\n"
    "\n"
    "def helper(n: int) -> int:\n"
    "    total = 0\n"
    "    for i in range(n):\n"
    "        total += i * SCALE\n"
    "    return total\n"
    "\n"
    "\n"
    "def other(n: int) -> int:\n"
    "    if n > 3:\n"
    "        return helper(n)\n"
    "    return n\n"
    "\n"
    "\n"
    "OFFSET = 1\n"
    "# End of the new code.\n"
    "\n"
    "\n"
    "def first(x: torch.Tensor) -> torch.Tensor:\n"
    "    a = torch.zeros(3)\n"
    "    x.add_(1)\n"
    "    x.add_(1)\n"
    "    return x + a\n"
    "\n"
    "\n"
    "def second(y: torch.Tensor) -> torch.Tensor:\n"
    "    \"\"\"Now documented.\"\"\"\n"
    "    c   =   torch.ones(2)\n"
    "    d = c * OFFSET\n"
    "    y.mul_(2)\n"
    "    return (y + d) * 2\n";

struct Project {
  TempDir dir;
  Project() { dir.write("torchlint.toml", kConfig); }
  testing::ProcessResult check(std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"check", "--no-cache", "--output-format", "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(".");
    testing::ProcessOptions options;
    options.cwd = dir.path();
    return run_torchlint(args, options);
  }
  json findings(std::vector<std::string> extra = {}) {
    const auto result = check(std::move(extra));
    return json::parse(result.out);
  }
};

TEST(Baseline, OnlyTheTrulyNewFindingIsReported) {
  Project project;
  project.dir.write("src/model.py", kOriginal);
  ASSERT_EQ(project.findings().size(), 5U);
  const auto written = project.check({"--write-baseline", "baseline.jsonl"});
  EXPECT_EQ(written.exit_code, 0) << written.err;
  EXPECT_EQ(written.out, "");

  // Lines moved by 20 rows, another function edited: nothing new.
  project.dir.write("src/model.py", kShifted);
  json found = project.findings({"--baseline", "baseline.jsonl"});
  EXPECT_TRUE(found.empty()) << found.dump(2);
  EXPECT_EQ(project.findings().size(), 5U);  // without the baseline, all five

  // A third `x.add_(1)` in `first` (the baseline counted two) and the same line in a new function.
  std::string text = kShifted;
  text.replace(text.find("    return x + a\n"), 0, "    x.add_(1)\n");
  text += "\n\ndef third(x: torch.Tensor) -> None:\n    a = torch.zeros(3)\n";
  project.dir.write("src/model.py", text);
  found = project.findings({"--baseline", "baseline.jsonl"});
  ASSERT_EQ(found.size(), 2U) << found.dump(2);
  EXPECT_EQ(found[0]["code"], "TL501");
  EXPECT_EQ(found[0]["location"]["row"], 28);  // the last of the three identical lines
  EXPECT_EQ(found[1]["code"], "TL201");
  EXPECT_EQ(found[1]["location"]["row"], 41);

  // The `baseline` key, relative to the configuration file, does the same.
  project.dir.write("torchlint.toml", std::string(kConfig) + "baseline = \"baseline.jsonl\"\n");
  EXPECT_EQ(project.findings().size(), 2U);
}

TEST(Baseline, FileIsSortedStableJsonLines) {
  Project project;
  project.dir.write("b.py", kOriginal);
  project.dir.write("a.py", kOriginal);
  ASSERT_EQ(project.check({"--write-baseline", "one.jsonl"}).exit_code, 0);
  ASSERT_EQ(project.check({"--write-baseline", "two.jsonl"}).exit_code, 0);
  const std::string text = read_text(project.dir.path() / "one.jsonl");
  EXPECT_EQ(text, read_text(project.dir.path() / "two.jsonl"));
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 1U + 2 * 4);  // header + 4 keys per file (the two `x.add_(1)` share one)
  EXPECT_EQ(lines[0], R"({"torchlint-baseline":1})");
  std::vector<std::tuple<std::string, std::string, std::string>> keys;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const nlohmann::ordered_json entry = nlohmann::ordered_json::parse(lines[i]);
    std::vector<std::string> names;
    for (const auto& [key, value] : entry.items()) names.push_back(key);
    EXPECT_EQ(names, (std::vector<std::string>{"path", "code", "fingerprint", "count", "scope", "text"}));
    keys.emplace_back(entry["path"], entry["code"], entry["fingerprint"]);
    if (entry["text"] == "x.add_(1)") {
      EXPECT_EQ(entry["count"], 2);
      EXPECT_EQ(entry["scope"], "first");
    }
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(std::get<0>(keys.front()), "a.py");
}

TEST(Baseline, StaleEntriesAreToldAndAMalformedFileIsAnError) {
  Project project;
  project.dir.write("m.py", kOriginal);
  ASSERT_EQ(project.check({"--write-baseline", "b.jsonl"}).exit_code, 0);
  project.dir.write("m.py", "import torch\n");
  auto result = project.check({"--baseline", "b.jsonl"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_NE(result.err.find("5 baseline finding(s)"), std::string::npos) << result.err;
  project.dir.write("bad.jsonl", "{\"path\": 1}\n");
  result = project.check({"--baseline", "bad.jsonl"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("bad.jsonl"), std::string::npos) << result.err;
}

TEST(Baseline, NormalisesWhitespace) {
  EXPECT_EQ(normalize_whitespace("\xEF\xBB\xBF  x  =\t torch.zeros( 3 )\r"), "x = torch.zeros( 3 )");
  EXPECT_EQ(normalize_whitespace(""), "");
}

}  // namespace
}  // namespace torchlint
