// Fixes (issue 12): every fixture under fixtures/fixes/ against its expected result, with
// CRLF and BOM variants; then the CLI: --fix leaves files with syntax errors alone, writes
// atomically keeping permissions, survives concurrent runs, --diff applies with `patch`,
// --exit-non-zero-on-fix, stdin, JSON / SARIF fix objects.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "linter/config/settings.h"
#include "linter/run/fixer.h"
#include "linter/run/lint_file.h"
#include "linter/run/rule_set.h"
#include "process_support.h"

namespace torchlint {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::read_text;
using testing::run_process;
using testing::run_torchlint;
using testing::TempDir;

fs::path fixes_dir() { return fs::path(TORCHLINT_SOURCE_DIR) / "fixtures" / "fixes"; }

// Inputs: TL*.py / TL*.cpp whose stem has no `.fixed` / `.unsafe` part.
std::vector<std::string> fix_fixtures() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(fixes_dir())) {
    const std::string name = entry.path().filename().string();
    const std::string ext = entry.path().extension().string();
    if (!name.starts_with("TL") || (ext != ".py" && ext != ".cpp")) continue;
    if (entry.path().stem().string().find('.') != std::string::npos) continue;
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

fs::path expected_path(const std::string& name, const std::string& kind) {
  const fs::path input(name);
  return fixes_dir() / (input.stem().string() + "." + kind + input.extension().string());
}

std::vector<std::string> selection_of(const std::string& name, const std::string& text) {
  static const std::regex kSelect(R"((?:#|//)\s*fixture-select:\s*(.+))");
  std::smatch match;
  std::vector<std::string> codes;
  if (std::regex_search(text, match, kSelect)) {
    std::istringstream list(match[1].str());
    std::string code;
    while (std::getline(list, code, ',')) {
      code.erase(std::remove_if(code.begin(), code.end(), [](char c) { return std::isspace(static_cast<unsigned char>(c)); }),
                 code.end());
      if (!code.empty()) codes.push_back(code);
    }
  }
  if (codes.empty()) codes.push_back(name.substr(0, 5));
  return codes;
}

Settings settings_for(const std::vector<std::string>& select) {
  Settings settings;
  settings.root = fixes_dir();
  settings.selection.select = select;
  settings.selection.preview = true;
  return settings;
}

std::string to_crlf(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

bool python3_parses(const std::string& text) {
  if (!fs::exists("/usr/bin/python3")) return true;
  TempDir dir;
  const fs::path file = dir.write("fixed.py", text);
  const auto result = run_process("/usr/bin/python3", {"-c", "import ast,sys; ast.parse(open(sys.argv[1],'rb').read())", file.string()});
  return result.exit_code == 0;
}

// Fixes `text` and checks the outcome as the issue asks: equal to `expected`, no applicable
// fix left, still parses, a second run changes nothing.
void check_fix(const std::string& name, const std::string& text, const std::string& expected, bool unsafe) {
  const std::vector<std::string> select = selection_of(name, text);
  const Settings settings = settings_for(select);
  const RuleSet rules(settings.selection);
  const Language language = language_for_path(name);
  const std::string display = (fixes_dir() / name).string();
  const FixOutcome outcome = fix_text(display, text, language, settings, rules, unsafe);
  EXPECT_EQ(outcome.text, expected) << name << (unsafe ? " (unsafe)" : " (safe)");
  EXPECT_FALSE(outcome.error) << *outcome.error;
  EXPECT_FALSE(outcome.syntax_error);
  for (const auto& d : outcome.remaining) {
    EXPECT_FALSE(d.fix && is_applicable(d.fix->applicability, unsafe))
        << name << ": an applicable fix is left at " << d.range.start.row << ":" << d.range.start.column << " "
        << d.rule->code;
  }
  EXPECT_FALSE(syntax_state(outcome.text, language, settings).python_error) << name;
  EXPECT_LE(syntax_state(outcome.text, language, settings).error_nodes, syntax_state(text, language, settings).error_nodes);
  if (language == Language::Python) {
    EXPECT_TRUE(python3_parses(outcome.text)) << name << ": the fixed text does not parse";
  }
  const FixOutcome again = fix_text(display, outcome.text, language, settings, rules, unsafe);
  EXPECT_EQ(again.text, outcome.text) << name << ": a second run changed the file";
  EXPECT_EQ(again.fixed, 0U);
}

class FixFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(FixFixture, SafeFixesGiveTheFixedFile) {
  const std::string name = GetParam();
  const fs::path expected = expected_path(name, "fixed");
  ASSERT_TRUE(fs::exists(expected)) << expected;
  check_fix(name, read_text(fixes_dir() / name), read_text(expected), false);
}

TEST_P(FixFixture, UnsafeFixesGiveTheUnsafeFile) {
  const std::string name = GetParam();
  fs::path expected = expected_path(name, "unsafe");
  if (!fs::exists(expected)) expected = expected_path(name, "fixed");  // no unsafe fixes: the same result
  check_fix(name, read_text(fixes_dir() / name), read_text(expected), true);
}

TEST_P(FixFixture, CrlfAndBomSurvive) {
  const std::string name = GetParam();
  fs::path expected = expected_path(name, "unsafe");
  if (!fs::exists(expected)) expected = expected_path(name, "fixed");
  const std::string bom = "\xEF\xBB\xBF";
  check_fix(name, to_crlf(read_text(fixes_dir() / name)), to_crlf(read_text(expected)), true);
  check_fix(name, bom + read_text(fixes_dir() / name), bom + read_text(expected), true);
  check_fix(name, bom + to_crlf(read_text(fixes_dir() / name)), bom + to_crlf(read_text(expected)), true);
}

std::string test_name(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Fixes, FixFixture, ::testing::ValuesIn(fix_fixtures()), test_name);

TEST(FixFixtures, EveryFixableRuleHasOne) {
  const auto names = fix_fixtures();
  for (const char* code : {"TL003", "TL102", "TL105", "TL201", "TL501", "TL601"}) {
    EXPECT_TRUE(std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n.starts_with(code); }))
        << code;
  }
}

// ---- apply_fixes ----------------------------------------------------------------------

Diagnostic with_fix(std::vector<Edit> edits, Applicability applicability = Applicability::Safe) {
  Diagnostic d;
  d.rule = &find_rule("TL601")->info;
  Fix fix;
  fix.applicability = applicability;
  fix.edits = std::move(edits);
  d.fix = std::move(fix);
  return d;
}

TEST(ApplyFixes, OverlappingFixesWaitAndIdenticalEditsAreShared) {
  const std::string text = "abcdef";
  std::vector<Diagnostic> diagnostics = {
      with_fix({Edit{0, 0, "X", {}}, Edit{1, 2, "B", {}}}),
      with_fix({Edit{0, 0, "X", {}}, Edit{4, 5, "E", {}}}),  // shares the insertion
      with_fix({Edit{1, 3, "??", {}}}),                     // overlaps the first: next round
      with_fix({Edit{5, 6, "F", {}}}, Applicability::Unsafe),
      with_fix({Edit{2, 2, "D", {}}}, Applicability::DisplayOnly),
  };
  std::size_t applied = 0;
  EXPECT_EQ(apply_fixes(text, diagnostics, false, applied), "XaBcdEf");
  EXPECT_EQ(applied, 2U);
  // With unsafe fixes, the unsafe one touches the edit before it (4..5 / 5..6): it waits too.
  EXPECT_EQ(apply_fixes(text, diagnostics, true, applied), "XaBcdEf");
}

TEST(UnifiedDiff, HunksAndMissingNewline) {
  EXPECT_EQ(unified_diff("a\nb\n", "a\nb\n", "f.py"), "");
  EXPECT_EQ(unified_diff("a\nb\nc\n", "a\nB\nc\n", "f.py"),
            "--- a/f.py\n+++ b/f.py\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n");
  EXPECT_EQ(unified_diff("a", "b", "f.py"),
            "--- a/f.py\n+++ b/f.py\n@@ -1,1 +1,1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n");
  EXPECT_EQ(unified_diff("", "x\n", "f.py"), "--- a/f.py\n+++ b/f.py\n@@ -0,0 +1,1 @@\n+x\n");
}

// ---- the CLI ----------------------------------------------------------------------------

const char* kFixable =
    "import torch\n"
    "\n"
    "\n"
    "def freeze(p: torch.Tensor) -> None:\n"
    "    p.requires_grad = False\n";
const char* kFixed =
    "import torch\n"
    "\n"
    "\n"
    "def freeze(p: torch.Tensor) -> None:\n"
    "    p.requires_grad_(False)\n";

TEST(FixCli, FileWithSyntaxErrorIsLeftUntouched) {
  TempDir dir;
  const std::string broken = std::string(kFixable) + "def broken(:\n    pass\n";
  const fs::path bad = dir.write("bad.py", broken);
  const fs::path good = dir.write("good.py", kFixable);
  const auto before = fs::last_write_time(bad);
  const auto result = run_torchlint({"check", "--isolated", "--no-cache", "--select", "TL601,TL002", "--fix", dir.path().string()});
  EXPECT_EQ(read_text(bad), broken);
  EXPECT_EQ(fs::last_write_time(bad), before);
  EXPECT_EQ(read_text(good), kFixed);
  EXPECT_NE(result.err.find("bad.py: has a syntax error; not fixed"), std::string::npos) << result.err;
  EXPECT_EQ(result.exit_code, 1);  // the syntax error remains
}

TEST(FixCli, KeepsPermissionsAndSymlinksAndLeavesNoTempFiles) {
  TempDir dir;
  const fs::path file = dir.write("model.py", kFixable);
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  fs::create_symlink("model.py", dir.path() / "link.py");
  const auto result = run_torchlint({"check", "--isolated", "--no-cache", "--select", "TL601", "--fix",
                                     (dir.path() / "link.py").string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(read_text(file), kFixed);
  EXPECT_TRUE(fs::is_symlink(dir.path() / "link.py"));
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".torchlint-"), std::string::npos) << entry.path();
  }
}

TEST(FixCli, ExitNonZeroOnFixAndSecondRunIsClean) {
  TempDir dir;
  const fs::path file = dir.write("model.py", kFixable);
  const std::vector<std::string> args = {"check", "--isolated", "--no-cache", "--select", "TL601", "--fix",
                                         "--exit-non-zero-on-fix", file.string()};
  auto result = run_torchlint(args);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  EXPECT_NE(result.err.find("fixed 1 finding in 1 file"), std::string::npos) << result.err;
  EXPECT_EQ(read_text(file), kFixed);
  result = run_torchlint(args);
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
  // Without the flag a run that fixed everything exits 0.
  dir.write("model.py", kFixable);
  result = run_torchlint({"check", "--isolated", "--no-cache", "--select", "TL601", "--fix", file.string()});
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err;
}

TEST(FixCli, StdinIsFixedToStdout) {
  testing::ProcessOptions options;
  options.stdin_text = kFixable;
  const auto result = run_torchlint(
      {"check", "--isolated", "--select", "TL601", "--fix", "--stdin-filename", "model.py", "-"}, options);
  EXPECT_EQ(result.out, kFixed);
  EXPECT_EQ(result.exit_code, 0) << result.err;
}

// Copies the fixtures (inputs only) into `dir`.
void copy_fix_inputs(const fs::path& dir) {
  for (const auto& name : fix_fixtures()) fs::copy_file(fixes_dir() / name, dir / name);
}

const char* kAllFixable = "TL003,TL102,TL105,TL201,TL501,TL601";

TEST(FixCli, DiffAppliesWithPatch) {
  if (!fs::exists("/usr/bin/patch")) GTEST_SKIP() << "patch is not installed";
  TempDir work;
  const fs::path fixed = work.path() / "fixed", patched = work.path() / "patched";
  fs::create_directories(fixed);
  fs::create_directories(patched);
  copy_fix_inputs(fixed);
  copy_fix_inputs(patched);
  // A CRLF file and one without a final newline too.
  work.write("fixed/crlf.py", to_crlf(kFixable));
  work.write("patched/crlf.py", to_crlf(kFixable));
  const std::string no_newline = std::string(kFixable).substr(0, std::string(kFixable).size() - 1);
  work.write("fixed/last.py", no_newline);
  work.write("patched/last.py", no_newline);

  testing::ProcessOptions in_fixed;
  in_fixed.cwd = fixed;
  const auto diff = run_torchlint({"check", "--isolated", "--no-cache", "--select", kAllFixable, "--unsafe-fixes",
                                   "--diff", "."}, in_fixed);
  EXPECT_EQ(diff.exit_code, 1) << diff.err;
  EXPECT_NE(diff.out.find("--- a/TL601.py\n+++ b/TL601.py\n"), std::string::npos) << diff.out;
  // --diff writes nothing.
  EXPECT_EQ(read_text(fixed / "TL601.py"), read_text(fixes_dir() / "TL601.py"));

  const auto fix = run_torchlint({"check", "--isolated", "--no-cache", "--select", kAllFixable, "--unsafe-fixes",
                                  "--fix", "--exit-zero", "."}, in_fixed);
  EXPECT_EQ(fix.exit_code, 0) << fix.err;

  testing::ProcessOptions in_patched;
  in_patched.cwd = patched;
  in_patched.stdin_text = diff.out;
  const auto patch = run_process("/usr/bin/patch", {"-p1", "--binary", "--no-backup-if-mismatch"}, in_patched);
  EXPECT_EQ(patch.exit_code, 0) << patch.out << patch.err;
  for (const auto& entry : fs::directory_iterator(fixed)) {
    const fs::path other = patched / entry.path().filename();
    EXPECT_EQ(read_text(other), read_text(entry.path())) << entry.path().filename();
  }
  // Nothing left to diff.
  const auto again = run_torchlint({"check", "--isolated", "--no-cache", "--select", kAllFixable, "--unsafe-fixes",
                                    "--diff", "."}, in_fixed);
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(again.out, "");
}

TEST(FixCli, ConcurrentRunsDoNotCorruptFiles) {
  TempDir dir;
  constexpr int kFiles = 40;
  const std::string input = read_text(fixes_dir() / "TL201.py");
  const std::string expected = read_text(fixes_dir() / "TL201.unsafe.py");
  for (int i = 0; i < kFiles; ++i) dir.write("pkg/m" + std::to_string(i) + ".py", input);
  std::vector<std::thread> runs;
  std::vector<testing::ProcessResult> results(6);
  for (std::size_t r = 0; r < results.size(); ++r) {
    runs.emplace_back([&, r] {
      results[r] = run_torchlint({"check", "--isolated", "--no-cache", "-j", "2", "--select", "TL201",
                                  "--unsafe-fixes", "--fix", "--exit-zero", (dir.path() / "pkg").string()});
    });
  }
  for (auto& run : runs) run.join();
  for (const auto& result : results) EXPECT_EQ(result.exit_code, 0) << result.err;
  for (int i = 0; i < kFiles; ++i) {
    EXPECT_EQ(read_text(dir.path() / "pkg" / ("m" + std::to_string(i) + ".py")), expected) << i;
  }
  for (const auto& entry : fs::directory_iterator(dir.path() / "pkg")) {
    EXPECT_EQ(entry.path().filename().string().find(".torchlint-"), std::string::npos) << entry.path();
  }
}

TEST(FixOutput, JsonCarriesFixesWithApplicability) {
  TempDir dir;
  const fs::path file = dir.write("model.py", read_text(fixes_dir() / "TL501.py"));
  const auto result = run_torchlint({"check", "--isolated", "--no-cache", "--select", "TL501,TL601",
                                     "--output-format", "json", file.string()});
  const json items = json::parse(result.out);
  std::map<std::string, int> by_applicability;
  for (const auto& item : items) {
    if (item["fix"].is_null()) continue;
    by_applicability[item["fix"]["applicability"].get<std::string>()]++;
  }
  EXPECT_EQ(by_applicability["unsafe"], 2);
  EXPECT_EQ(by_applicability["display-only"], 3);
  const json& first = items[0];
  ASSERT_FALSE(first["fix"].is_null());
  EXPECT_EQ(first["fix"]["edits"][0]["location"], json::parse(R"({"row":5,"column":5})"));
  EXPECT_EQ(first["fix"]["edits"][0]["content"], "x = ");
  EXPECT_EQ(first["fix"]["edits"][1]["content"], "add");
}

TEST(FixOutput, SarifFixesOmitDisplayOnly) {
  TempDir dir;
  const fs::path file = dir.write("model.py", read_text(fixes_dir() / "TL501.py"));
  const auto result = run_torchlint({"check", "--isolated", "--no-cache", "--select", "TL501",
                                     "--output-format", "sarif", file.string()});
  const json sarif = json::parse(result.out);
  int with_fixes = 0;
  for (const auto& item : sarif["runs"][0]["results"]) {
    if (!item.contains("fixes")) continue;
    ++with_fixes;
    EXPECT_EQ(item["fixes"][0]["properties"]["applicability"], "unsafe");
    EXPECT_FALSE(item["fixes"][0]["artifactChanges"][0]["replacements"].empty());
  }
  EXPECT_EQ(with_fixes, 2);
}

}  // namespace
}  // namespace torchlint
