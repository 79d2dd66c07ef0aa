// The parse-plus-walk floor: what it costs to read every file, parse it with the same
// tree-sitter objects torchlint links, and walk every node once. torchlint's cold run is
// compared with this (bench/run.sh).
//   torchlint-floor [-j N] [--parse-only] PATH...
#include <tree_sitter/api.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern "C" const TSLanguage* tree_sitter_python(void);
extern "C" const TSLanguage* tree_sitter_cpp(void);

namespace {

namespace fs = std::filesystem;

const TSLanguage* language_for(const fs::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".py" || ext == ".pyi") return tree_sitter_python();
  for (const char* cpp : {".cpp", ".cc", ".cxx", ".h", ".hpp", ".hh", ".cu", ".cuh"}) {
    if (ext == cpp) return tree_sitter_cpp();
  }
  return nullptr;
}

std::uint64_t walk(TSTree* tree) {
  std::uint64_t nodes = 0;
  TSTreeCursor cursor = ts_tree_cursor_new(ts_tree_root_node(tree));
  for (;;) {
    ++nodes;
    if (ts_tree_cursor_goto_first_child(&cursor)) continue;
    while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
      if (!ts_tree_cursor_goto_parent(&cursor)) {
        ts_tree_cursor_delete(&cursor);
        return nodes;
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  unsigned jobs = std::thread::hardware_concurrency();
  bool parse_only = false;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "-j") == 0 && i + 1 < argc) {
      jobs = static_cast<unsigned>(std::stoul(argv[++i]));
    } else if (std::strcmp(argv[i], "--parse-only") == 0) {
      parse_only = true;
    } else if (fs::is_directory(argv[i])) {
      for (const auto& entry : fs::recursive_directory_iterator(argv[i])) {
        if (entry.is_regular_file() && language_for(entry.path()) != nullptr) files.push_back(entry.path());
      }
    } else {
      files.emplace_back(argv[i]);
    }
  }
  std::atomic<std::size_t> next{0};
  std::atomic<std::uint64_t> total_nodes{0};
  auto worker = [&] {
    TSParser* python = ts_parser_new();
    TSParser* cpp = ts_parser_new();
    ts_parser_set_language(python, tree_sitter_python());
    ts_parser_set_language(cpp, tree_sitter_cpp());
    std::uint64_t nodes = 0;
    for (std::size_t i = next++; i < files.size(); i = next++) {
      std::ifstream stream(files[i], std::ios::binary);
      std::ostringstream buffer;
      buffer << stream.rdbuf();
      const std::string text = std::move(buffer).str();
      TSParser* parser = language_for(files[i]) == tree_sitter_python() ? python : cpp;
      TSTree* tree = ts_parser_parse_string(parser, nullptr, text.data(), static_cast<std::uint32_t>(text.size()));
      if (!parse_only) nodes += walk(tree);
      ts_tree_delete(tree);
    }
    total_nodes += nodes;
    ts_parser_delete(python);
    ts_parser_delete(cpp);
  };
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < jobs; ++i) threads.emplace_back(worker);
  worker();
  for (auto& thread : threads) thread.join();
  std::printf("%zu files, %llu nodes\n", files.size(), static_cast<unsigned long long>(total_nodes.load()));
  return 0;
}
