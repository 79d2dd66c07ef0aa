#pragma once
// Iterative pre-order walk with leave callbacks: no recursion, so 10,000-deep
// nesting cannot overflow the stack.
#include <tree_sitter/api.h>

#include <vector>

namespace torchlint {

// enter(node) -> bool: false skips the node's children (leave is still called).
template <class Enter, class Leave>
void walk_tree(TSNode root, Enter&& enter, Leave&& leave) {
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  bool descend = enter(ts_tree_cursor_current_node(&cursor));
  for (;;) {
    if (descend && ts_tree_cursor_goto_first_child(&cursor)) {
      descend = enter(ts_tree_cursor_current_node(&cursor));
      continue;
    }
    // Leave nodes until one has a next sibling.
    for (;;) {
      leave(ts_tree_cursor_current_node(&cursor));
      if (ts_tree_cursor_goto_next_sibling(&cursor)) {
        descend = enter(ts_tree_cursor_current_node(&cursor));
        break;
      }
      if (!ts_tree_cursor_goto_parent(&cursor)) {
        ts_tree_cursor_delete(&cursor);
        return;
      }
    }
  }
}

// Named child by field name, null node when absent. Field names are string literals:
// their ids are cached per (grammar, literal) so the hot path does no string compares
// (ts_language_field_id_for_name scans every field name with strncmp).
inline TSNode field_child(TSNode node, const char* field) {
  struct Entry {
    const TSLanguage* language;
    const char* name;
    TSFieldId id;
  };
  thread_local std::vector<Entry> cache;
  const TSLanguage* language = ts_node_language(node);
  for (const Entry& entry : cache) {
    if (entry.name == field && entry.language == language) return ts_node_child_by_field_id(node, entry.id);
  }
  const TSFieldId id = ts_language_field_id_for_name(language, field, static_cast<uint32_t>(__builtin_strlen(field)));
  cache.push_back({language, field, id});
  return ts_node_child_by_field_id(node, id);
}

}  // namespace torchlint
