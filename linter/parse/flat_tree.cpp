#include "linter/parse/flat_tree.h"

namespace torchlint {
namespace {

thread_local const FlatTree* active_flat_tree = nullptr;

}  // namespace

FlatTree::FlatTree(TSNode root) : tree_(root.tree) {
  if (ts_node_is_null(root)) return;
  // About one visible node per 8 bytes of Python source; growth handles the rest.
  entries_.reserve(ts_node_end_byte(root) / 8 + 16);
  TSTreeCursor cursor = ts_tree_cursor_new(root);
  std::uint32_t current = 0;
  entries_.push_back({ts_tree_cursor_current_node(&cursor), 0, npos, ts_node_is_named(root)});
  for (;;) {
    if (ts_tree_cursor_goto_first_child(&cursor)) {
      const TSNode node = ts_tree_cursor_current_node(&cursor);
      entries_.push_back({node, 0, current, ts_node_is_named(node)});
      current = static_cast<std::uint32_t>(entries_.size() - 1);
      continue;
    }
    // Close nodes until one has a next sibling.
    for (;;) {
      entries_[current].end = static_cast<std::uint32_t>(entries_.size());
      const std::uint32_t parent = entries_[current].parent;
      if (parent == npos) {
        ts_tree_cursor_delete(&cursor);
        goto built;
      }
      if (ts_tree_cursor_goto_next_sibling(&cursor)) {
        const TSNode node = ts_tree_cursor_current_node(&cursor);
        entries_.push_back({node, 0, parent, ts_node_is_named(node)});
        current = static_cast<std::uint32_t>(entries_.size() - 1);
        break;
      }
      ts_tree_cursor_goto_parent(&cursor);
      current = parent;
    }
  }
built:
  std::size_t bits = 4;
  while ((std::size_t{1} << bits) < entries_.size() * 2) ++bits;
  shift_ = 64 - bits;
  slots_.assign(std::size_t{1} << bits, npos);
  const std::size_t mask = slots_.size() - 1;
  for (std::uint32_t i = 0; i < entries_.size(); ++i) {
    std::size_t slot = hash(entries_[i].node.id) >> shift_;
    while (slots_[slot] != npos) slot = (slot + 1) & mask;
    slots_[slot] = i;
  }
}

std::uint32_t FlatTree::index_of(TSNode node) const {
  if (slots_.empty()) return npos;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = hash(node.id) >> shift_;; slot = (slot + 1) & mask) {
    const std::uint32_t index = slots_[slot];
    if (index == npos) return npos;
    const TSNode& found = entries_[index].node;
    // One subtree slot can be the node under several aliases only at the walk's root.
    if (found.id == node.id && found.context[0] == node.context[0] && found.context[3] == node.context[3]) return index;
  }
}

const FlatTree* FlatTree::active() { return active_flat_tree; }

FlatTree::Activation::Activation(const FlatTree* flat) : previous_(active_flat_tree) { active_flat_tree = flat; }
FlatTree::Activation::~Activation() { active_flat_tree = previous_; }

}  // namespace torchlint
