// libFuzzer target: the whole per-file pipeline on one input — parse, semantic model,
// every rule (preview and opt-in rules included), suppressions, every output format, and
// every fix.
// Built twice, as fuzz_python and fuzz_cpp (TORCHLINT_FUZZ_LANGUAGE picks the language).
//
// Besides crashes, sanitizer reports and hangs, it checks what every output relies on:
// positions are 1-based and inside the file, byte spans are ordered and in range, and
// the JSON and SARIF outputs parse.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "linter/config/settings.h"
#include "linter/output/emitter.h"
#include "linter/run/fixer.h"
#include "linter/run/lint_file.h"
#include "linter/run/rule_set.h"

namespace {

using namespace torchlint;

#if TORCHLINT_FUZZ_LANGUAGE == 1
constexpr Language kLanguage = Language::Python;
constexpr const char* kPath = "/fuzz/pkg/model.py";
#else
constexpr Language kLanguage = Language::Cpp;
constexpr const char* kPath = "/fuzz/pkg/model.cpp";
#endif

const Settings& fuzz_settings() {
  static const Settings settings = [] {
    Settings s;
    s.root = "/fuzz";
    s.selection.select = {"ALL"};
    s.selection.extend_select = {"TL003"};  // opt-in rule: suppression bookkeeping gets fuzzed too
    s.selection.preview = true;
    return s;
  }();
  return settings;
}

void require(bool condition) {
  if (!condition) __builtin_trap();
}

void check_diagnostic(const Diagnostic& d, const SourceFile& file) {
  const std::uint32_t rows = file.lines().line_count();
  require(d.rule != nullptr);
  require(d.range.start.row >= 1 && d.range.start.column >= 1);
  require(d.range.start.row <= rows + 1 && d.range.end.row <= rows + 1);
  require(!(d.range.end < d.range.start));
  require(d.start_byte <= d.end_byte && d.end_byte <= file.text().size());
}

void emit_everything(const RunReport& report) {
  for (std::string_view name : output_format_names()) {
    std::ostringstream out;
    emit(*parse_output_format(name), report, out);
    if (name == "json" || name == "sarif" || name == "gitlab") {
      require(nlohmann::json::accept(out.str()));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  // lint_path stops at these with TL001 before parsing; the rest of the pipeline never sees them.
  if (text.find('\0') != std::string::npos || !is_valid_utf8(text)) return 0;

  static const RuleSet rules(fuzz_settings().selection);
  SourceFile file(kPath, text, kLanguage);
  std::vector<Diagnostic> diagnostics = lint_source(file, fuzz_settings(), rules);
  for (const auto& d : diagnostics) check_diagnostic(d, file);

  RunReport report;
  report.diagnostics = std::move(diagnostics);
  report.files_checked = 1;
  report.project_root = "/fuzz";
  report.in_memory_sources[kPath] = std::move(text);
  report.statistics = true;
  emit_everything(report);
  report.color = true;
  std::ostringstream colored;
  emit_full(report, colored);

  // Every fix, unsafe ones included: the fixed text must stay text, and a Python input
  // that parsed must still parse (the fixer drops a round that breaks it).
  const FixOutcome fixed = fix_text(kPath, report.in_memory_sources[kPath], kLanguage, fuzz_settings(), rules, true);
  require(is_valid_utf8(fixed.text));
  if (kLanguage == Language::Python && !fixed.syntax_error) {
    require(!syntax_state(fixed.text, kLanguage, fuzz_settings()).python_error);
  }
  return 0;
}
