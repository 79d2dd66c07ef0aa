#pragma once
/* Records the visible nodes under a tree-sitter node in pre-order, reading the pinned
 * runtime's subtrees directly (ts_flat.c, compiled with the runtime in grammars/). The
 * nodes, their order and their positions are exactly what a TSTreeCursor walk yields,
 * at a fraction of its cost (the cursor re-derives its stack and aliases at each step). */
#include <stdbool.h>
#include <stdint.h>

#include <tree_sitter/api.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct TorchlintFlatEntry {
  TSNode node;
  uint32_t end;    /* one past the last entry of this node's subtree */
  uint32_t parent; /* index of the parent entry; UINT32_MAX for the root */
  bool named;
} TorchlintFlatEntry;

/* Appends `root` and its visible descendants to `*entries` (grown with realloc; release it
 * with free), entry indices counted from `*size` == 0. False when memory ran out. */
bool torchlint_flatten(TSNode root, TorchlintFlatEntry **entries, uint32_t *size, uint32_t *capacity);

#ifdef __cplusplus
}
#endif
