#include "linter/parse/flat_tree.h"

#include <algorithm>
#include <cstdlib>
#include <new>

namespace torchlint {
namespace {

thread_local const FlatTree* active_flat_tree = nullptr;

}  // namespace

FlatTree::FlatTree(TSNode root) : tree_(root.tree) {
  if (ts_node_is_null(root)) return;
  // About one visible node per 8 bytes of Python source; realloc grows the rest.
  std::uint32_t capacity = ts_node_end_byte(root) / 8 + 64;
  entries_ = static_cast<Entry*>(std::malloc(capacity * sizeof(Entry)));
  if (entries_ == nullptr || !torchlint_flatten(root, &entries_, &size_, &capacity)) {
    std::free(entries_);
    throw std::bad_alloc();
  }
  std::size_t bits = 4;
  while ((std::size_t{1} << bits) < std::size_t{size_} * 2) ++bits;
  shift_ = 64 - bits;
  slots_.assign(std::size_t{1} << bits, npos);
  const std::size_t mask = slots_.size() - 1;
  for (std::uint32_t i = 0; i < size_; ++i) {
    std::size_t slot = hash(entries_[i].node.id) >> shift_;
    while (slots_[slot] != npos) slot = (slot + 1) & mask;
    slots_[slot] = i;
  }
}

FlatTree::~FlatTree() { std::free(entries_); }

std::uint32_t FlatTree::index_of(TSNode node) const {
  if (slots_.empty()) return npos;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t slot = hash(node.id) >> shift_;; slot = (slot + 1) & mask) {
    const std::uint32_t index = slots_[slot];
    if (index == npos) return npos;
    const TSNode& found = entries_[index].node;
    if (found.id == node.id && found.context[0] == node.context[0] && found.context[3] == node.context[3]) return index;
  }
}

TSNode FlatTree::child_by_field(std::uint32_t index, TSFieldId field) const {
  auto probe = [&](std::uint32_t key, TSFieldId f) {
    const std::size_t mask = answers_.size() - 1;
    const auto mixed = (std::uint64_t{key} << 16 | f) * 0x9E3779B97F4A7C15ULL;
    std::size_t slot = static_cast<std::size_t>(mixed >> (64 - __builtin_ctzll(answers_.size())));
    while (answers_[slot].index != npos && (answers_[slot].index != key || answers_[slot].field != f)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  };
  if (!answers_.empty()) {
    const FieldAnswer& answer = answers_[probe(index, field)];
    if (answer.index == index) return answer.child;
  }
  const TSNode child = ts_node_child_by_field_id(entries_[index].node, field);
  if ((answer_count_ + 1) * 2 > answers_.size()) {
    std::vector<FieldAnswer> old = std::move(answers_);
    answers_.assign(std::max<std::size_t>(256, old.size() * 2), FieldAnswer{});
    for (const FieldAnswer& answer : old) {
      if (answer.index != npos) answers_[probe(answer.index, answer.field)] = answer;
    }
  }
  answers_[probe(index, field)] = {index, field, child};
  ++answer_count_;
  return child;
}

const FlatTree* FlatTree::active() { return active_flat_tree; }

FlatTree::Activation::Activation(const FlatTree* flat) : previous_(active_flat_tree) { active_flat_tree = flat; }
FlatTree::Activation::~Activation() { active_flat_tree = previous_; }

}  // namespace torchlint
