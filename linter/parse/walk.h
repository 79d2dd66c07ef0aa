#pragma once
// Iterative pre-order walk with leave callbacks: no recursion, so 10,000-deep
// nesting cannot overflow the stack.
#include <tree_sitter/api.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "linter/parse/flat_tree.h"

namespace torchlint {

// enter(node) -> bool: false skips the node's children (leave is still called).
template <class Enter, class Leave>
void walk_tree(TSNode root, Enter&& enter, Leave&& leave) {
  const FlatTree* flat = nullptr;
  if (const std::uint32_t start = FlatTree::active_index(root, flat); start != FlatTree::npos) {
    // The same visit through the active flat tree (flat_tree.h): array steps, no cursor.
    for (std::uint32_t index = start;;) {
      const FlatTree::Entry& entry = (*flat)[index];
      if (enter(entry.node) && entry.end > index + 1) {
        ++index;  // first child
        continue;
      }
      // Leave this node and every ancestor whose subtree ends here.
      const std::uint32_t after = entry.end;
      for (std::uint32_t closing = index;;) {
        leave((*flat)[closing].node);
        if (closing == start) return;
        closing = (*flat)[closing].parent;
        if ((*flat)[closing].end > after) break;
      }
      index = after;
    }
  }
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
// (ts_language_field_id_for_name scans every field name with strncmp). Under an active
// flat tree the answer is memoised per (node, field): rules ask the same questions of the
// same nodes, and ts_node_child_by_field_id re-iterates the children each time.
inline TSNode field_child(TSNode node, const char* field) {
  struct Entry {
    const TSLanguage* language = nullptr;
    const char* name = nullptr;
    TSFieldId id = 0;
  };
  thread_local Entry recent[64];  // direct-mapped on the literal's address
  thread_local std::vector<Entry> cache;
  const TSLanguage* language = ts_node_language(node);
  Entry& slot = recent[(reinterpret_cast<std::uintptr_t>(field) >> 2) & 63];
  TSFieldId id = 0;
  if (slot.name == field && slot.language == language) {
    id = slot.id;
  } else {
    bool found = false;
    for (const Entry& entry : cache) {
      if (entry.name == field && entry.language == language) {
        id = entry.id;
        found = true;
        break;
      }
    }
    if (!found) {
      id = ts_language_field_id_for_name(language, field, static_cast<uint32_t>(__builtin_strlen(field)));
      cache.push_back({language, field, id});
    }
    slot = {language, field, id};
  }
  const FlatTree* flat = nullptr;
  if (const std::uint32_t index = FlatTree::active_index(node, flat); index != FlatTree::npos) {
    return flat->child_by_field(index, id);
  }
  return ts_node_child_by_field_id(node, id);
}

// ts_node_parent(node), from the active flat tree when the node is in it (O(1); tree-sitter
// searches down from the root for it).
inline TSNode parent_node(TSNode node) {
  const FlatTree* flat = nullptr;
  if (const std::uint32_t index = FlatTree::active_index(node, flat); index != FlatTree::npos) {
    const std::uint32_t parent = (*flat)[index].parent;
    return parent == FlatTree::npos ? TSNode{} : (*flat)[parent].node;
  }
  return ts_node_parent(node);
}

// Calls `visit(child)` on each named child of `node`, in order. A cursor steps from child
// to child; a loop over ts_node_named_child(node, i) restarts from the first child each
// time, which is quadratic over a wide node (a 100,000-element tuple).
template <class Visit>
void for_each_named_child(TSNode node, Visit&& visit) {
  if (ts_node_is_null(node)) return;
  const FlatTree* flat = nullptr;
  if (const std::uint32_t index = FlatTree::active_index(node, flat); index != FlatTree::npos) {
    const std::uint32_t end = (*flat)[index].end;
    for (std::uint32_t child = index + 1; child < end; child = (*flat)[child].end) {
      if ((*flat)[child].named) visit((*flat)[child].node);
    }
    return;
  }
  TSTreeCursor cursor = ts_tree_cursor_new(node);
  for (bool more = ts_tree_cursor_goto_first_child(&cursor); more; more = ts_tree_cursor_goto_next_sibling(&cursor)) {
    const TSNode child = ts_tree_cursor_current_node(&cursor);
    if (ts_node_is_named(child)) visit(child);
  }
  ts_tree_cursor_delete(&cursor);
}

// The first node in source order under `root` (itself included) for which `match(node)`
// holds, looking into the named children only of nodes for which `descend(node)` holds
// (e.g. tuple and list targets); null when none. An explicit stack, not recursion:
// targets nest as deep as the source does, and 100,000 levels must not overflow the stack.
template <class Descend, class Match>
TSNode find_first(TSNode root, Descend&& descend, Match&& match) {
  std::vector<TSNode> pending{root};
  while (!pending.empty()) {
    const TSNode node = pending.back();
    pending.pop_back();
    if (ts_node_is_null(node)) continue;
    if (match(node)) return node;
    if (!descend(node)) continue;
    const std::size_t first = pending.size();
    for_each_named_child(node, [&](TSNode child) { pending.push_back(child); });
    std::reverse(pending.begin() + static_cast<std::ptrdiff_t>(first), pending.end());  // first child on top
  }
  return TSNode{};
}

}  // namespace torchlint
