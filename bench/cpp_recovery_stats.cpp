// Measures how much of a C++ tree the macro recovery (linter/semantic/cpp_preprocess)
// saves from tree-sitter ERROR/MISSING nodes: the share of files whose tree has any
// error, before and after recovery. Build and run: bench/cpp_recovery_stats.sh BUILD_DIR DIR...
// With --show N it also prints the first error line of N files that still have one.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "linter/config/settings.h"
#include "linter/parse/parser.h"
#include "linter/run/lint_file.h"
#include "linter/semantic/cpp_preprocess.h"

namespace fs = std::filesystem;
using namespace torchlint;

namespace {

TSNode first_error(TSNode node) {
  for (;;) {
    if (ts_node_is_error(node) || ts_node_is_missing(node)) return node;
    bool descended = false;
    for (std::uint32_t i = 0; i < ts_node_child_count(node); ++i) {
      TSNode child = ts_node_child(node, i);
      if (ts_node_has_error(child)) {
        node = child;
        descended = true;
        break;
      }
    }
    if (!descended) return node;
  }
}

}  // namespace

int main(int argc, char** argv) {
  int show = 0;
  std::vector<std::string> roots;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--show" && i + 1 < argc) {
      show = std::stoi(argv[++i]);
    } else {
      roots.push_back(arg);
    }
  }
  const Settings settings;
  std::size_t files = 0, before = 0, after = 0;
  CppRecoveryStats stats;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& root : roots) {
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
      if (!entry.is_regular_file() || language_for_path(entry.path().string()) != Language::Cpp) continue;
      std::string text, error;
      if (!read_file(entry.path(), text, error)) continue;
      ++files;
      Tree raw = parse(Language::Cpp, text);
      if (raw && ts_node_has_error(ts_tree_root_node(raw.get()))) ++before;
      const std::string recovered = recover_cpp_source(text, settings.attribute_macros, &stats);
      if (recovered.size() != text.size()) {
        std::fprintf(stderr, "LENGTH CHANGED: %s\n", entry.path().c_str());
        return 1;
      }
      Tree tree = parse(Language::Cpp, recovered);
      if (tree && ts_node_has_error(ts_tree_root_node(tree.get()))) {
        ++after;
        if (show-- > 0) {
          TSNode node = first_error(ts_tree_root_node(tree.get()));
          const TSPoint point = ts_node_start_point(node);
          std::size_t line_start = ts_node_start_byte(node);
          while (line_start > 0 && recovered[line_start - 1] != '\n') --line_start;
          const std::size_t line_end = recovered.find('\n', line_start);
          std::printf("%s:%u:%u: %s\n", entry.path().c_str(), point.row + 1, point.column + 1,
                      recovered.substr(line_start, line_end - line_start).c_str());
        }
      }
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("files %zu\nwith errors before recovery %zu (%.1f%%)\nwith errors after recovery %zu (%.1f%%)\n", files,
              before, 100.0 * before / std::max<std::size_t>(files, 1), after,
              100.0 * after / std::max<std::size_t>(files, 1));
  std::printf("blanked: attribute macros %d, kernel launches %d, statement macros %d, TORCH_ARG fields %d\n",
              stats.attribute_macros, stats.kernel_launches, stats.statement_macros, stats.field_macros);
  std::printf("braced default arguments %d\n", stats.braced_defaults);
  std::printf("time %.1fs (two parses per file)\n", seconds);
  return 0;
}
