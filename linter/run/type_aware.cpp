#include "linter/run/type_aware.h"

#include <dlfcn.h>

#include <atomic>
#include <mutex>
#include <string>

namespace torchlint {
namespace {

TypeAwareEngine& installed() {
  static TypeAwareEngine engine;
  return engine;
}

std::atomic<bool> asked_without_engine{false};
std::string load_error;  // why the plugin did not load (empty: not built)

// Where the plugin may be: beside the executable (build tree), or lib/torchlint/ beside
// its bin/ (installed).
std::vector<std::filesystem::path> plugin_candidates() {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const std::filesystem::path dir = exe.parent_path();
  return {dir / "torchlint-clang.so", dir.parent_path() / "lib" / "torchlint" / "torchlint-clang.so"};
}

// Loads the Clang engine plugin the first time a file asks for it (thread-safe). The
// plugin installs itself and starts its run; false when there is none or it fails.
bool load_engine() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (installed().lint != nullptr) return;  // installed directly (not as a plugin)
    for (const auto& candidate : plugin_candidates()) {
      std::error_code ec;
      if (!std::filesystem::exists(candidate, ec)) continue;
      void* handle = dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle == nullptr) {
        load_error = dlerror();
        return;
      }
      auto* install = reinterpret_cast<void (*)()>(dlsym(handle, "torchlint_clang_install"));
      if (install == nullptr) {
        load_error = candidate.string() + " has no torchlint_clang_install";
        return;
      }
      install();
      if (installed().begin_run != nullptr) installed().begin_run();
      return;
    }
  });
  return installed().lint != nullptr;
}

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
  // Through call_once every time: it orders this read after the plugin installed itself.
  if (!load_engine()) {
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
    if (load_error.empty()) {
      notes << "torchlint: note: this torchlint was built without Clang (TORCHLINT_WITH_CLANG), so "
               "`compile-commands` is ignored and C++ files are checked with the syntax rules\n";
    } else {
      notes << "torchlint: note: the Clang engine could not be loaded (" << load_error
            << "), so `compile-commands` is ignored and C++ files are checked with the syntax rules\n";
    }
  }
  if (installed().end_run != nullptr) installed().end_run(notes);
}

}  // namespace torchlint
