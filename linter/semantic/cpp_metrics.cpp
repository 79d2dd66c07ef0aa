#include "linter/semantic/cpp_metrics.h"

#include <vector>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/walk.h"

namespace torchlint {
namespace {

KindId kind_of(TSNode node) { return kind_table(Language::Cpp).of(node); }

// `parent` is the kind of the node's parent (the walk keeps it: ts_node_parent is a search from the root).
bool counts_as_statement(TSNode node, KindId kind, KindId parent, const CppKinds& k) {
  if (kind == k.expression_statement || kind == k.return_statement || kind == k.break_statement ||
      kind == k.continue_statement || kind == k.goto_statement || kind == k.throw_statement ||
      kind == k.co_return_statement || kind == k.co_yield_statement || kind == k.if_statement ||
      kind == k.for_statement || kind == k.for_range_loop || kind == k.while_statement || kind == k.do_statement ||
      kind == k.switch_statement || kind == k.case_statement || kind == k.try_statement ||
      kind == k.catch_clause || kind == k.seh_try_statement || kind == k.static_assert_declaration ||
      kind == k.type_definition || kind == k.alias_declaration || kind == k.using_declaration) {
    return true;
  }
  if (kind == k.else_clause) {
    // `else if (...)`: the nested `if` is the header that counts.
    TSNode inner = ts_node_named_child(node, 0);
    return ts_node_is_null(inner) || kind_of(inner) != k.if_statement;
  }
  if (kind == k.declaration) {
    // A `for (int i = 0; ...)` initializer is part of the `for` header.
    return parent != k.for_statement && parent != k.condition_clause && parent != k.init_statement;
  }
  return false;
}

// Visits the body of `definition` with each node's parent kind, not descending into nodes
// `skip` accepts.
template <class Visit, class Skip>
void visit_body(TSNode definition, Visit&& visit, Skip&& skip) {
  TSNode body = field_child(definition, "body");
  if (ts_node_is_null(body)) return;
  std::vector<KindId> parents{kind_of(definition)};
  walk_tree(
      body,
      [&](TSNode node) {
        const KindId kind = kind_of(node);
        const bool descend = ts_node_eq(node, body) || !skip(node, kind);
        if (descend) visit(node, kind, parents.back());
        parents.push_back(kind);
        return descend;
      },
      [&](TSNode) { parents.pop_back(); });
}

}  // namespace

int cpp_statement_count(TSNode function_definition) {
  const CppKinds& k = cpp_kinds();
  int count = 0;
  visit_body(
      function_definition,
      [&](TSNode node, KindId kind, KindId parent) {
        if (counts_as_statement(node, kind, parent, k)) ++count;
      },
      [&](TSNode, KindId kind) {
        return kind == k.lambda_expression || kind == k.function_definition || kind == k.class_specifier ||
               kind == k.struct_specifier || kind == k.union_specifier;
      });
  return count;
}

int cpp_complexity(TSNode function_definition) {
  const CppKinds& k = cpp_kinds();
  int complexity = 1;
  visit_body(
      function_definition,
      [&](TSNode node, KindId kind, KindId) {
        if (kind == k.if_statement || kind == k.for_statement || kind == k.for_range_loop ||
            kind == k.while_statement || kind == k.do_statement || kind == k.catch_clause ||
            kind == k.conditional_expression) {
          ++complexity;
        } else if (kind == k.case_statement && !ts_node_is_null(field_child(node, "value"))) {
          ++complexity;
        }
      },
      [&](TSNode, KindId kind) {
        return kind == k.function_definition || kind == k.class_specifier || kind == k.struct_specifier ||
               kind == k.union_specifier;
      });
  return complexity;
}

}  // namespace torchlint
