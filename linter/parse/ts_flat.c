/* See ts_flat.h. Mirrors the child iteration of tree-sitter 0.25's node.c/tree_cursor.c:
 * a child is visible when its subtree is visible or its parent's production aliases it;
 * extras take no alias and no structural index; a child's position is its predecessor's
 * end plus its own padding. Built inside the ts_runtime target (grammars/CMakeLists.txt)
 * because it reads the runtime's private headers. */
#include "ts_flat.h"

#include <stdlib.h>

#include "./language.h"
#include "./length.h"
#include "./subtree.h"
#include "./tree.h"

typedef struct {
  Subtree parent;
  const TSSymbol *alias_sequence;
  Length position;               /* where the next child's padding starts (its start for child 0) */
  uint32_t child_index;
  uint32_t structural_child_index;
  uint32_t visible_parent;       /* entry of the nearest visible ancestor-or-self */
  uint32_t own_entry;            /* entry of this subtree itself, UINT32_MAX when hidden */
} Frame;

static bool push_entry(TorchlintFlatEntry **entries, uint32_t *size, uint32_t *capacity, TorchlintFlatEntry entry) {
  if (*size == *capacity) {
    uint32_t grown = *capacity < 64 ? 64 : *capacity * 2;
    TorchlintFlatEntry *data = realloc(*entries, (size_t)grown * sizeof(TorchlintFlatEntry));
    if (!data) return false;
    *entries = data;
    *capacity = grown;
  }
  (*entries)[(*size)++] = entry;
  return true;
}

bool torchlint_flatten(TSNode root, TorchlintFlatEntry **entries, uint32_t *size, uint32_t *capacity) {
  if (ts_node_is_null(root)) return true;
  const TSTree *tree = root.tree;
  const TSLanguage *language = tree->language;
  const uint32_t base = *size;
  if (!push_entry(entries, size, capacity, (TorchlintFlatEntry){root, 0, UINT32_MAX, ts_node_is_named(root)})) return false;
  const Subtree root_subtree = *(const Subtree *)root.id;
  if (ts_subtree_child_count(root_subtree) == 0) {
    (*entries)[base].end = *size;
    return true;
  }
  uint32_t frame_capacity = 64, depth = 0;
  Frame *frames = malloc(frame_capacity * sizeof(Frame));
  if (!frames) return false;
  frames[depth++] = (Frame){
      .parent = root_subtree,
      .alias_sequence = ts_language_alias_sequence(language, root_subtree.ptr->production_id),
      .position = {ts_node_start_byte(root), ts_node_start_point(root)},
      .visible_parent = base,
      .own_entry = base,
  };
  bool ok = true;
  while (depth > 0) {
    Frame *frame = &frames[depth - 1];
    if (frame->child_index == frame->parent.ptr->child_count) {
      if (frame->own_entry != UINT32_MAX) (*entries)[frame->own_entry].end = *size;
      --depth;
      continue;
    }
    const Subtree *child = &ts_subtree_children(frame->parent)[frame->child_index];
    if (frame->child_index > 0) frame->position = length_add(frame->position, ts_subtree_padding(*child));
    TSSymbol alias = 0;
    if (!ts_subtree_extra(*child)) {
      if (frame->alias_sequence) alias = frame->alias_sequence[frame->structural_child_index];
      frame->structural_child_index++;
    }
    const Length position = frame->position;
    frame->position = length_add(frame->position, ts_subtree_size(*child));
    frame->child_index++;
    const uint32_t visible_parent = frame->visible_parent;

    uint32_t own = UINT32_MAX;
    if (ts_subtree_visible(*child) || alias) {
      const bool named = alias ? ts_language_symbol_metadata(language, alias).named : ts_subtree_named(*child);
      const TSNode node = {{position.bytes, position.extent.row, position.extent.column, alias}, child, tree};
      if (!push_entry(entries, size, capacity, (TorchlintFlatEntry){node, 0, visible_parent, named})) {
        ok = false;
        break;
      }
      own = *size - 1;
    }
    if (ts_subtree_child_count(*child) > 0) {
      if (depth == frame_capacity) {
        Frame *grown = realloc(frames, (size_t)frame_capacity * 2 * sizeof(Frame));
        if (!grown) {
          ok = false;
          break;
        }
        frames = grown;
        frame_capacity *= 2;
      }
      frames[depth++] = (Frame){
          .parent = *child,
          .alias_sequence = ts_language_alias_sequence(language, child->ptr->production_id),
          .position = position,
          .visible_parent = own != UINT32_MAX ? own : visible_parent,
          .own_entry = own,
      };
    } else if (own != UINT32_MAX) {
      (*entries)[own].end = *size;
    }
  }
  free(frames);
  return ok;
}
