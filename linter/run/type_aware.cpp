#include "linter/run/type_aware.h"

#include <atomic>

namespace torchlint {
namespace {

TypeAwareEngine& installed() {
  static TypeAwareEngine engine;
  return engine;
}

std::atomic<bool> asked_without_engine{false};

}  // namespace

void install_type_aware_engine(const TypeAwareEngine& engine) { installed() = engine; }

const std::vector<std::string>& type_aware_codes() {
  static const std::vector<std::string> codes = {"TL201", "TL501", "TL503", "TL504",
                                                 "TL602", "TL701", "TL702", "TL801"};
  return codes;
}

std::optional<std::vector<Diagnostic>> lint_type_aware(const std::filesystem::path& path,
                                                       const std::string& display_path, const Settings& settings,
                                                       const RuleSet& rules) {
  if (!settings.compile_commands || settings.compile_commands->empty()) return std::nullopt;
  if (language_for_path(path.string()) != Language::Cpp) return std::nullopt;
  if (installed().lint == nullptr) {
    asked_without_engine = true;
    return std::nullopt;
  }
  return installed().lint(path, display_path, settings, rules);
}

void begin_type_aware_run() {
  asked_without_engine = false;
  if (installed().begin_run != nullptr) installed().begin_run();
}

void end_type_aware_run(std::ostream& notes) {
  if (asked_without_engine.exchange(false)) {
    notes << "torchlint: note: this torchlint was built without Clang (TORCHLINT_WITH_CLANG), so "
             "`compile-commands` is ignored and C++ files are checked with the syntax rules\n";
  }
  if (installed().end_run != nullptr) installed().end_run(notes);
}

}  // namespace torchlint
