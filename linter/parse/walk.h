#pragma once
// Iterative pre-order walk with leave callbacks: no recursion, so 10,000-deep
// nesting cannot overflow the stack.
#include <tree_sitter/api.h>

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

// Named child by field name, null node when absent.
inline TSNode field_child(TSNode node, const char* field) {
  return ts_node_child_by_field_name(node, field, static_cast<uint32_t>(__builtin_strlen(field)));
}

}  // namespace torchlint
