#pragma once
// A parsed file's visible nodes in pre-order, recorded by one pass over its subtrees (ts_flat.h). Every later
// walk of the file (the semantic model's, the rule walk, the rules' walks of a function's
// subtree) steps through this array instead of driving a TSTreeCursor again: the cursor
// costs several hundred instructions a node (it descends through hidden nodes and
// recomputes aliases), an array step a few.
//
// walk_tree() and for_each_named_child() (walk.h) use the flat tree that is *active* on
// the calling thread when the node belongs to its tree, and the cursor otherwise; the
// nodes they hand out are identical either way. lint_source() activates one per file.
#include <tree_sitter/api.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "linter/parse/ts_flat.h"

namespace torchlint {

class FlatTree {
 public:
  static constexpr std::uint32_t npos = static_cast<std::uint32_t>(-1);

  // node; end: one past the last entry of its subtree; parent: index of the parent
  // entry (npos for the root); named.
  using Entry = TorchlintFlatEntry;

  // Records the subtree of `root` (usually the tree's root node).
  explicit FlatTree(TSNode root);
  ~FlatTree();
  FlatTree(const FlatTree&) = delete;
  FlatTree& operator=(const FlatTree&) = delete;

  [[nodiscard]] const TSTree* tree() const { return tree_; }
  [[nodiscard]] std::uint32_t size() const { return size_; }
  [[nodiscard]] const Entry& operator[](std::uint32_t index) const { return entries_[index]; }
  // Index of `node` (same tree), npos when it was not recorded.
  [[nodiscard]] std::uint32_t index_of(TSNode node) const;

  // ts_node_child_by_field_id of entry `index`, memoised (field_child() in walk.h).
  [[nodiscard]] TSNode child_by_field(std::uint32_t index, TSFieldId field) const;

  // The flat tree active on this thread (null when none).
  [[nodiscard]] static const FlatTree* active();
  // The active flat tree's index of `node`, npos when there is none or it lacks the node.
  [[nodiscard]] static std::uint32_t active_index(TSNode node, const FlatTree*& flat) {
    flat = active();
    if (flat == nullptr || node.tree != flat->tree_) return npos;
    return flat->index_of(node);
  }

  // Activates `flat` on this thread for the guard's lifetime (restoring the previous one).
  class Activation {
   public:
    explicit Activation(const FlatTree* flat);
    ~Activation();
    Activation(const Activation&) = delete;
    Activation& operator=(const Activation&) = delete;

   private:
    const FlatTree* previous_;
  };

 private:
  static std::size_t hash(const void* id) {
    return static_cast<std::size_t>((reinterpret_cast<std::uintptr_t>(id) >> 3) * 0x9E3779B97F4A7C15ULL);
  }

  const TSTree* tree_ = nullptr;
  Entry* entries_ = nullptr;  // malloc'd by torchlint_flatten
  std::uint32_t size_ = 0;
  // Open addressing on the node id (the address of its subtree slot, unique in a tree).
  std::vector<std::uint32_t> slots_;
  std::size_t shift_ = 0;
  // child_by_field's answers, open addressing on (index, field); grown at half load.
  struct FieldAnswer {
    std::uint32_t index = npos;
    TSFieldId field = 0;
    TSNode child{};
  };
  mutable std::vector<FieldAnswer> answers_;
  mutable std::size_t answer_count_ = 0;
};

}  // namespace torchlint
