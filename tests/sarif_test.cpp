// SARIF output: its structure, GitHub's line-hash fingerprints, and validation against the
// official 2.1.0 schema and by the SARIF multitool (GitHub's ingestion rules included).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "linter/cli/commands.h"
#include "linter/output/emitter.h"
#include "linter/output/line_hash.h"
#include "linter/output/sha256.h"
#include "linter/run/rule.h"
#include "process_support.h"

namespace torchlint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::run_process;
using testing::run_torchlint;
using testing::TempDir;

// Expected values below were computed by codeql-action's src/fingerprints.ts hash()
// (run under Node with the `long` package) on the same bytes.
TEST(GithubLineHash, MatchesUploadSarifOnMixedLineEndingsBomAndInvalidUtf8) {
  const std::string text = "a\n  b\r\nc\r\r\n\n\xef\xbb\xbfx\xff\xc3y  \xF0\x9F\x98\x80\n";
  const std::vector<std::string> expected = {"c9d2d8ab9830bb88:1", "40f005cc49e9d0a9:1", "c4c33594d8016cd:1",
                                             "5c91a42818f175fc:1", "68ec93c59bc57b02:1", "32113589846a34e0:1",
                                             "c129715d7a2bc9a3:1"};
  EXPECT_EQ(github_line_hashes(text), expected);
}

TEST(GithubLineHash, MatchesUploadSarifOnCrlfSource) {
  const std::vector<std::string> expected = {"de076abda28b74a6:1", "88f4645951114d45:1", "cd9da6518794950d:1",
                                             "c129715d7a2bc9a3:1"};
  EXPECT_EQ(github_line_hashes("import torch\r\nx = torch.zeros(3)\r\n\tx.add_(1)\r\n"), expected);
}

TEST(GithubLineHash, RepeatedHashesGetAnOccurrenceSuffix) {
  const std::string line =
      "loss = loss + torch.nn.functional.cross_entropy(logits, targets, reduction=\"mean\")  # same line, long\n";
  const auto hashes = github_line_hashes(line + line + line + "end\n");
  ASSERT_GE(hashes.size(), 4U);
  EXPECT_EQ(hashes[0], "326e59867c6eaa6f:1");
  EXPECT_EQ(hashes[1], "326e59867c6eaa6f:2");
  EXPECT_EQ(hashes[2], "326e43259b2c95d4:1");
  EXPECT_EQ(hashes[3], "fe2be582c6296f40:1");
}

TEST(GithubLineHash, SurvivesLinesInsertedAbove) {
  const std::string body = "import torch\nx = torch.zeros(3)\nx.add_(1)\n";
  const auto before = github_line_hashes(body);
  const auto after = github_line_hashes("# a comment\n\n" + body);
  EXPECT_EQ(before[2], after[4]);
  EXPECT_EQ(before[1], after[3]);
}

TEST(GithubLineHash, Utf16DecodingReplacesInvalidSequencesLikeNode) {
  // E0 80 80 is three maximal subparts; F0 9F 98 cut short is one.
  const auto units = utf8_to_utf16("\xE0\x80\x80\xF0\x9F\x98z\xF0\x9F\x98\x80");
  const std::vector<std::uint16_t> expected = {0xFFFD, 0xFFFD, 0xFFFD, 0xFFFD, 'z', 0xD83D, 0xDE00};
  EXPECT_EQ(units, expected);
}

TEST(Sha256, KnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000, 'a')),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

// A report built by hand: one file inside the project root, one outside, a fix and a
// notebook cell, so that every part of the format appears.
class SarifReport : public ::testing::Test {
 protected:
  void SetUp() override {
    project_ = std::make_unique<TempDir>();
    outside_ = std::make_unique<TempDir>();
    inside_path_ = project_->write("src/módulo dir/train.py", "import torch\nx = torch.zeros(3)\nx.add_(1)\n").string();
    outside_path_ = outside_->write("other.py", "y.mul_(2)\n").string();
    report_.project_root = project_->path();
    report_.files_checked = 2;
    report_.diagnostics.push_back(diagnostic(inside_path_, "TL201", {{2, 5}, {2, 16}}));
    Diagnostic with_fix = diagnostic(inside_path_, "TL501", {{3, 1}, {3, 10}});
    with_fix.fix = Fix{"Use the out-of-place `add`", Applicability::Unsafe, {Edit{14, 23, "x = x.add(1)", {{3, 1}, {3, 10}}}}};
    report_.diagnostics.push_back(std::move(with_fix));
    report_.diagnostics.push_back(diagnostic(outside_path_, "TL501", {{1, 3}, {1, 7}}));
    log_ = json::parse(render());
  }

  static Diagnostic diagnostic(const std::string& path, std::string_view code, Range range) {
    Diagnostic d;
    d.path = path;
    d.rule = &find_rule(code)->info;
    d.level = d.rule->level;
    d.message = "message of " + std::string(code);
    d.range = range;
    d.noqa_row = range.start.row;
    return d;
  }

  std::string render() const {
    std::ostringstream out;
    emit_sarif(report_, out);
    return out.str();
  }

  const json& run() const { return log_["runs"][0]; }

  std::unique_ptr<TempDir> project_;
  std::unique_ptr<TempDir> outside_;
  std::string inside_path_;
  std::string outside_path_;
  RunReport report_;
  json log_;
};

TEST_F(SarifReport, DriverListsEveryRuleThatFiredOnceWithItsMetadata) {
  EXPECT_EQ(log_["version"], "2.1.0");
  const json& driver = run()["tool"]["driver"];
  EXPECT_EQ(driver["name"], "torchlint");
  EXPECT_EQ(driver["version"], TORCHLINT_VERSION);
  EXPECT_TRUE(driver["informationUri"].get<std::string>().starts_with("https://"));
  ASSERT_EQ(driver["rules"].size(), 2U);
  const json& rule = driver["rules"][1];
  const RuleInfo& info = find_rule("TL501")->info;
  EXPECT_EQ(rule["id"], "TL501");
  EXPECT_EQ(rule["name"], info.name);
  EXPECT_EQ(rule["shortDescription"]["text"], std::string(info.summary) + ".");
  EXPECT_FALSE(rule["fullDescription"]["text"].get<std::string>().empty());
  EXPECT_EQ(rule["help"]["markdown"], rule_markdown(info));
  EXPECT_FALSE(rule["help"]["text"].get<std::string>().empty());
  EXPECT_EQ(rule["helpUri"], rule_url(info));
  EXPECT_EQ(rule["defaultConfiguration"]["level"], "error");
  const json& properties = rule["properties"];
  EXPECT_NE(std::find(properties["tags"].begin(), properties["tags"].end(), std::string(info.section)),
            properties["tags"].end());
  EXPECT_EQ(properties["precision"], "high");
  EXPECT_EQ(properties["problem.severity"], "error");
  EXPECT_FALSE(properties.contains("security-severity"));
}

TEST_F(SarifReport, ResultsPointAtRulesAndRelativeLocations) {
  const json& results = run()["results"];
  ASSERT_EQ(results.size(), 3U);
  for (const json& result : results) {
    EXPECT_EQ(run()["tool"]["driver"]["rules"][result["ruleIndex"].get<std::size_t>()]["id"], result["ruleId"]);
  }
  const json& first = results[0];
  EXPECT_EQ(first["level"], "error");
  EXPECT_EQ(first["message"]["text"], "message of TL201");
  const json& location = first["locations"][0]["physicalLocation"];
  // Relative to the project root, percent-encoded, against %SRCROOT%.
  EXPECT_EQ(location["artifactLocation"]["uri"], "src/m%C3%B3dulo%20dir/train.py");
  EXPECT_EQ(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
  EXPECT_EQ(location["region"], json::parse(R"({"startLine":2,"startColumn":5,"endLine":2,"endColumn":16})"));
  const std::string root_uri = run()["originalUriBaseIds"]["%SRCROOT%"]["uri"];
  EXPECT_TRUE(root_uri.starts_with("file:///"));
  EXPECT_TRUE(root_uri.ends_with("/"));
  EXPECT_EQ(run()["columnKind"], "unicodeCodePoints");
  EXPECT_EQ(run()["invocations"][0]["executionSuccessful"], true);
  EXPECT_EQ(run()["automationDetails"]["id"], "torchlint/");
}

TEST_F(SarifReport, CategoryComesFromTheEnvironment) {
  TempDir dir;
  dir.write("m.py", "import torch\nx = torch.zeros(3)\n");
  const auto run = run_torchlint({"check", ".", "--output-format", "sarif"},
                                 {.cwd = dir.path(), .env = {"TORCHLINT_SARIF_CATEGORY=models/vision"}});
  EXPECT_EQ(json::parse(run.out)["runs"][0]["automationDetails"]["id"], "models/vision/");
}

TEST_F(SarifReport, FilesOutsideTheRootGetAbsoluteFileUris) {
  const json& location = run()["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(location["uri"], "file://" + fs::path(outside_path_).lexically_normal().generic_string());
  EXPECT_FALSE(location.contains("uriBaseId"));
}

TEST_F(SarifReport, FingerprintIsGithubsLineHashOfTheStartLine) {
  const auto hashes = github_line_hashes(testing::read_text(inside_path_));
  EXPECT_EQ(run()["results"][0]["partialFingerprints"]["primaryLocationLineHash"], hashes[1]);
  EXPECT_EQ(run()["results"][1]["partialFingerprints"]["primaryLocationLineHash"], hashes[2]);
}

TEST_F(SarifReport, ArtifactsCarrySha256OfTheFile) {
  const json& artifacts = run()["artifacts"];
  ASSERT_EQ(artifacts.size(), 2U);
  const std::string text = testing::read_text(inside_path_);
  EXPECT_EQ(artifacts[0]["hashes"]["sha-256"], sha256_hex(text));
  EXPECT_EQ(artifacts[0]["length"], text.size());
  EXPECT_EQ(run()["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["index"], 0);
  EXPECT_EQ(run()["results"][2]["locations"][0]["physicalLocation"]["artifactLocation"]["index"], 1);
}

TEST_F(SarifReport, FixesBecomeArtifactChanges) {
  EXPECT_FALSE(run()["results"][0].contains("fixes"));
  const json& fix = run()["results"][1]["fixes"][0];
  EXPECT_EQ(fix["description"]["text"], "Use the out-of-place `add`");
  const json& replacement = fix["artifactChanges"][0]["replacements"][0];
  EXPECT_EQ(replacement["deletedRegion"], json::parse(R"({"startLine":3,"startColumn":1,"endLine":3,"endColumn":10})"));
  EXPECT_EQ(replacement["insertedContent"]["text"], "x = x.add(1)");
}

// --- Validation: the official schema and the multitool, zero errors ---------------------

fs::path tools_dir() { return fs::path(TORCHLINT_BINARY).parent_path() / "tools"; }

testing::ProcessResult validate(const std::vector<fs::path>& files, const fs::path& work) {
  std::vector<std::string> args = {tools_dir().string(), work.string()};
  for (const auto& file : files) args.push_back(file.string());
  return run_process(std::string(TORCHLINT_SOURCE_DIR) + "/tests/integration/validate_sarif.sh", args);
}

TEST_F(SarifReport, ValidatesAgainstSchemaAndMultitool) {
  const fs::path file = project_->write("handmade.sarif", render());
  const auto result = validate({file}, project_->path() / "validation");
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("0 error(s)"), std::string::npos) << result.out;
}

TEST(SarifValidation, CliRunsValidate) {
  TempDir dir;
  // The fixtures (every rule, Python and C++) from the repository root.
  const fs::path fixtures = dir.path() / "fixtures.sarif";
  auto run = run_torchlint({"check", "fixtures", "--output", "sarif:" + fixtures.string()},
                           {.cwd = TORCHLINT_SOURCE_DIR});
  ASSERT_EQ(run.exit_code, 1) << run.err;

  // A project with a notebook, a file outside its root, stdin and no findings at all.
  const fs::path project = dir.path() / "project";
  dir.write("project/torchlint.toml", "select = [\"ALL\"]\n");
  dir.write("project/nb.ipynb", testing::read_text(fs::path(TORCHLINT_SOURCE_DIR) / "fixtures/notebooks/training.ipynb"));
  const fs::path outside = dir.write("elsewhere/x.py", "import torch\nt = torch.ones(2)\n");
  const fs::path mixed = dir.path() / "mixed.sarif";
  run = run_torchlint({"check", ".", outside.string(), "-", "--stdin-filename", "piped.py", "--output",
                       "sarif:" + mixed.string()},
                      {.cwd = project, .stdin_text = "import torch\nz = torch.empty(1)\n"});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  const json log = json::parse(testing::read_text(mixed));
  std::set<std::string> uris;
  for (const auto& artifact : log["runs"][0]["artifacts"]) uris.insert(artifact["location"]["uri"]);
  EXPECT_TRUE(uris.contains("nb.ipynb"));
  EXPECT_TRUE(uris.contains("piped.py"));
  EXPECT_TRUE(uris.contains("file://" + outside.generic_string()));

  const fs::path clean_dir = dir.path() / "clean";
  dir.write("clean/ok.py", "x = 1\n");
  const fs::path clean = dir.path() / "clean.sarif";
  run = run_torchlint({"check", ".", "--output-format", "sarif", "-o", clean.string()}, {.cwd = clean_dir});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  const auto result = validate({fixtures, mixed, clean}, dir.path() / "validation");
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  EXPECT_NE(result.out.find("3 file(s), 0 error(s)"), std::string::npos) << result.out;
}

TEST(SarifValidation, ReportsErrorsItFinds) {
  // The multitool exits 0 on errors; the check must still fail on a broken log.
  TempDir dir;
  const fs::path broken = dir.write("broken.sarif", R"({
  "version": "2.1.0",
  "runs": [{
    "tool": {"driver": {"name": "torchlint", "rules": [{"id": "TL501"}]}},
    "results": [
      {"ruleId": "TL501", "message": {"text": "no location."}},
      {"ruleId": "TL501", "message": {"text": "no start line."},
       "locations": [{"physicalLocation": {"artifactLocation": {"uri": "a.py"}, "region": {"endLine": 2, "startColumn": 4}}}]}
    ]
  }]
})");
  const fs::path bad_schema = dir.write("bad-schema.sarif", R"({"version": "2.1.0", "runs": [{"tool": {}}]})");
  const auto result = validate({broken, bad_schema}, dir.path() / "validation");
  EXPECT_EQ(result.exit_code, 1) << result.out << result.err;
  EXPECT_NE(result.out.find("GH1"), std::string::npos) << result.out;      // a GitHub ingestion rule
  EXPECT_NE(result.out.find("schema:"), std::string::npos) << result.out;  // the JSON schema
}

}  // namespace
}  // namespace torchlint
