#pragma once
// tree-sitter parsing: one parser per worker thread and language, trees owned by RAII handles.
#include <tree_sitter/api.h>

#include <chrono>
#include <memory>
#include <string_view>

#include "linter/source/source_file.h"

extern "C" {
const TSLanguage* tree_sitter_python(void);
const TSLanguage* tree_sitter_cpp(void);
}

namespace torchlint {

struct TreeDeleter {
  void operator()(TSTree* tree) const { ts_tree_delete(tree); }
};
using Tree = std::unique_ptr<TSTree, TreeDeleter>;

const TSLanguage* grammar(Language language);

// Parses `text` with this thread's parser for `language`. `old_tree`, when given,
// must already have been edited with ts_tree_edit (incremental reparse).
Tree parse(Language language, std::string_view text, const TSTree* old_tree = nullptr);

// The same, giving up (null tree) once `deadline` has passed (--file-timeout).
Tree parse_until(Language language, std::string_view text, std::chrono::steady_clock::time_point deadline);

// Node helpers shared by the semantic models and the rules.
inline std::string_view node_text(TSNode node, std::string_view source) {
  return source.substr(ts_node_start_byte(node), ts_node_end_byte(node) - ts_node_start_byte(node));
}
inline bool same_node(TSNode a, TSNode b) { return ts_node_eq(a, b); }

}  // namespace torchlint
