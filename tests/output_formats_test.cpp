// The CI-facing text formats: GitHub workflow commands, GitLab Code Quality, JUnit XML.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "linter/output/emitter.h"
#include "linter/run/rule.h"
#include "process_support.h"

namespace torchlint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::run_process;
using testing::run_torchlint;
using testing::TempDir;

Diagnostic make(const std::string& path, std::string_view code, Range range, std::string message) {
  Diagnostic d;
  d.path = path;
  d.rule = &find_rule(code)->info;
  d.level = d.rule->level;
  d.message = std::move(message);
  d.range = range;
  d.noqa_row = range.start.row;
  return d;
}

std::string render(OutputFormat format, const RunReport& report) {
  std::ostringstream out;
  emit(format, report, out);
  return out.str();
}

TEST(GithubFormat, WorkflowCommandPerDiagnosticWithLevelsMapped) {
  RunReport report;
  report.diagnostics.push_back(make("src/a.py", "TL501", {{3, 5}, {3, 9}}, "in-place `add_`"));
  report.diagnostics.push_back(make("src/a.py", "TL101", {{4, 1}, {4, 2}}, "no annotation"));
  report.diagnostics.push_back(make("src/b.py", "TL202", {{1, 1}, {2, 3}}, "shape"));
  const auto lines = testing::split_lines(render(OutputFormat::Github, report));
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[0],
            "::error file=src/a.py,line=3,col=5,endLine=3,endColumn=9,title=torchlint (TL501)::TL501 in-place `add_`");
  EXPECT_TRUE(lines[1].starts_with("::warning file=src/a.py,line=4,col=1,")) << lines[1];
  EXPECT_TRUE(lines[2].starts_with("::notice file=src/b.py,line=1,col=1,endLine=2,endColumn=3,")) << lines[2];
}

TEST(GithubFormat, EscapesDataAndProperties) {
  RunReport report;
  report.diagnostics.push_back(make("dir,with:odd%name.py", "TL501", {{1, 1}, {1, 2}}, "100% wrong\nsecond line"));
  const std::string out = render(OutputFormat::Github, report);
  EXPECT_NE(out.find("file=dir%2Cwith%3Aodd%25name.py,"), std::string::npos) << out;
  EXPECT_NE(out.find("::TL501 100%25 wrong%0Asecond line\n"), std::string::npos) << out;
}

TEST(GithubFormat, FromTheCli) {
  TempDir dir;
  dir.write("m.py", "import torch\nx = torch.zeros(3)\n");
  const auto run = run_torchlint({"check", "m.py", "--isolated", "--select", "TL201", "--output-format", "github"},
                                 {.cwd = dir.path()});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out,
            "::error file=m.py,line=2,col=11,endLine=2,endColumn=16,title=torchlint (TL201)::TL201 `torch.zeros` "
            "without `dtype=` takes the global default dtype; pass it explicitly (e.g. `dtype=torch.float32`)\n");
}

class GitlabFormat : public ::testing::Test {
 protected:
  json lint(const std::string& source) {
    dir_.write("pkg/m.py", source);
    const auto run = run_torchlint({"check", ".", "--select", "TL201,TL501", "--output-format", "gitlab"},
                                   {.cwd = dir_.path()});
    EXPECT_EQ(run.exit_code, 1) << run.err;
    return json::parse(run.out);
  }
  TempDir dir_;
};

TEST_F(GitlabFormat, CodeQualityFieldsWithRelativePaths) {
  dir_.write("torchlint.toml", "");
  const json issues = lint("import torch\nx = torch.zeros(3)\nx.add_(1)\n");
  ASSERT_EQ(issues.size(), 2U);
  const json& first = issues[0];
  EXPECT_EQ(first["check_name"], "TL201");
  EXPECT_TRUE(first["description"].get<std::string>().starts_with("TL201 `torch.zeros`"));
  EXPECT_EQ(first["severity"], "major");
  EXPECT_EQ(first["location"]["path"], "pkg/m.py");
  EXPECT_EQ(first["location"]["positions"]["begin"], json::parse(R"({"line": 2, "column": 11})"));
  EXPECT_EQ(first["location"]["positions"]["end"], json::parse(R"({"line": 2, "column": 16})"));
  EXPECT_EQ(first["fingerprint"].get<std::string>().size(), 64U);
  EXPECT_NE(issues[0]["fingerprint"], issues[1]["fingerprint"]);
}

TEST_F(GitlabFormat, FingerprintsSurviveLinesInsertedAboveAndKeepDuplicatesApart) {
  dir_.write("torchlint.toml", "");
  const json before = lint("import torch\nx = torch.zeros(3)\nx.add_(1)\nx.add_(1)\n");
  const json after = lint("import torch\n\n# a new comment\nx = torch.zeros(3)\nx.add_(1)\nx.add_(1)\n");
  ASSERT_EQ(before.size(), 3U);
  ASSERT_EQ(after.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(before[i]["fingerprint"], after[i]["fingerprint"]) << i;
    EXPECT_EQ(after[i]["location"]["positions"]["begin"]["line"], before[i]["location"]["positions"]["begin"]["line"].get<int>() + 2);
  }
  // Two identical findings on identical lines are still two issues.
  EXPECT_NE(before[1]["fingerprint"], before[2]["fingerprint"]);
}

TEST(JunitFormat, OneSuitePerFileOneFailurePerDiagnosticAndWellFormed) {
  RunReport report;
  report.diagnostics.push_back(make("a.py", "TL501", {{3, 5}, {3, 9}}, "in-place <add_> & \"more\""));
  report.diagnostics.push_back(make("a.py", "TL201", {{4, 1}, {4, 2}}, "dtype"));
  report.diagnostics.push_back(make("b.py", "TL201", {{1, 1}, {1, 2}}, "dtype"));
  const std::string xml = render(OutputFormat::Junit, report);
  EXPECT_NE(xml.find("<testsuites name=\"torchlint\" tests=\"3\" failures=\"3\" errors=\"0\">"), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"a.py\" tests=\"2\" failures=\"2\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("message=\"in-place &lt;add_&gt; &amp; &quot;more&quot;\""), std::string::npos) << xml;

  // A real XML parser reads it back with the same counts.
  TempDir dir;
  const auto file = dir.write("report.xml", xml);
  const auto parsed = run_process("/usr/bin/python3",
                                  {"-c",
                                   "import sys, xml.etree.ElementTree as E\n"
                                   "root = E.parse(sys.argv[1]).getroot()\n"
                                   "print(len(root.findall('testsuite')), len(root.findall('.//testcase')), "
                                   "len(root.findall('.//failure')))",
                                   file.string()});
  EXPECT_EQ(parsed.exit_code, 0) << parsed.err;
  EXPECT_EQ(parsed.out, "2 3 3\n");
}

TEST(JunitFormat, CleanRunHasOnePassingCase) {
  RunReport report;
  const std::string xml = render(OutputFormat::Junit, report);
  EXPECT_NE(xml.find("failures=\"0\""), std::string::npos);
  EXPECT_NE(xml.find("<testcase name=\"No problems found\""), std::string::npos);
  EXPECT_EQ(xml.find("<failure"), std::string::npos);
}

}  // namespace
}  // namespace torchlint
