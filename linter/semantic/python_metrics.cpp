#include "linter/semantic/python_metrics.h"

#include <cstring>
#include <optional>
#include <vector>

#include "linter/parse/kinds.h"
#include "linter/parse/walk.h"
#include "linter/semantic/python_model.h"

namespace torchlint {
namespace {

// Deeper nesting than this is treated as a simple statement: CPython refuses ~100 levels,
// and a bound keeps the recursion safe on adversarial input.
constexpr int kMaxDepth = 1000;

const KindTable& python_kinds() { return kind_table(Language::Python); }

// The statements of a block (or module), extras skipped; decorated definitions unwrapped.
std::vector<TSNode> statements_of(TSNode block) {
  std::vector<TSNode> statements;
  if (ts_node_is_null(block)) return statements;
  const PyKinds& k = py_kinds();
  const std::uint32_t count = ts_node_named_child_count(block);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(block, i);
    if (ts_node_is_extra(child)) continue;  // comments, line continuations
    const KindId kind = python_kinds().of(child);
    if (kind == k.decorated_definition) child = field_child(child, "definition");
    if (!ts_node_is_null(child)) statements.push_back(child);
  }
  return statements;
}

// The block child of a clause that has no `body` field (except_clause, finally_clause).
TSNode clause_block(TSNode clause) {
  TSNode body = field_child(clause, "body");
  if (!ts_node_is_null(body)) return body;
  TSNode consequence = field_child(clause, "consequence");
  if (!ts_node_is_null(consequence)) return consequence;
  const std::uint32_t count = ts_node_named_child_count(clause);
  for (std::uint32_t i = count; i > 0; --i) {
    TSNode child = ts_node_named_child(clause, i - 1);
    if (python_kinds().of(child) == py_kinds().block) return child;
  }
  return TSNode{};
}

// The clauses after the first suite of an if/for/while/try/match, in source order.
std::vector<TSNode> clauses_of(TSNode statement) {
  const PyKinds& k = py_kinds();
  std::vector<TSNode> clauses;
  const std::uint32_t count = ts_node_named_child_count(statement);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(statement, i);
    const KindId kind = python_kinds().of(child);
    if (kind == k.elif_clause || kind == k.else_clause || kind == k.except_clause || kind == k.finally_clause) {
      clauses.push_back(child);
    }
  }
  return clauses;
}

bool is_except_star(TSNode except_clause) {
  const std::uint32_t count = ts_node_child_count(except_clause);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_child(except_clause, i);
    if (ts_node_is_named(child)) break;
    if (std::strcmp(ts_node_type(child), "*") == 0) return true;
  }
  return false;
}

bool has_except_star(TSNode try_statement) {
  for (TSNode clause : clauses_of(try_statement)) {
    if (python_kinds().of(clause) == py_kinds().except_clause && is_except_star(clause)) return true;
  }
  return false;
}

// --- statement count ---

int count_block(TSNode block, int depth);

int count_statement(TSNode statement, int depth) {
  const PyKinds& k = py_kinds();
  const KindId kind = python_kinds().of(statement);
  if (depth > kMaxDepth || kind == k.function_definition) return 1;
  if (kind == k.class_definition || kind == k.with_statement) return 1 + count_block(field_child(statement, "body"), depth);
  if (kind == k.if_statement || kind == k.for_statement || kind == k.while_statement || kind == k.try_statement) {
    TSNode first = kind == k.if_statement ? field_child(statement, "consequence") : field_child(statement, "body");
    int total = 1 + count_block(first, depth);
    for (TSNode clause : clauses_of(statement)) total += 1 + count_block(clause_block(clause), depth);
    return total;
  }
  if (kind == k.match_statement) {
    int total = 1;
    TSNode body = field_child(statement, "body");
    const std::uint32_t count = ts_node_named_child_count(body);
    for (std::uint32_t i = 0; i < count; ++i) {
      TSNode clause = ts_node_named_child(body, i);
      if (python_kinds().of(clause) == k.case_clause) total += 1 + count_block(clause_block(clause), depth);
    }
    return total;
  }
  return 1;
}

int count_block(TSNode block, int depth) {
  int total = 0;
  for (TSNode statement : statements_of(block)) total += count_statement(statement, depth + 1);
  return total;
}

// --- McCabe: mccabe's PathGraphingAstVisitor, replayed ---

// mccabe's PathGraph reduced to what complexity() needs: edges, and the nodes that appear
// in an edge (a node no edge touches is not in the graph).
class PathGraph {
 public:
  int add_node() {
    touched_.push_back(false);
    return static_cast<int>(touched_.size()) - 1;
  }
  void connect(int from, int to) {
    ++edges_;
    touch(from);
    touch(to);
  }
  [[nodiscard]] int complexity() const { return edges_ - nodes_ + 2; }

 private:
  void touch(int node) {
    if (!touched_[node]) {
      touched_[node] = true;
      ++nodes_;
    }
  }
  std::vector<bool> touched_;
  int edges_ = 0;
  int nodes_ = 0;
};

class McCabeVisitor {
 public:
  int run(TSNode function_definition) {
    tail_ = graph_.add_node();
    dispatch_block(field_child(function_definition, "body"), 0);
    return graph_.complexity();
  }

 private:
  int append_path_node() {
    const int node = graph_.add_node();
    graph_.connect(tail_, node);
    tail_ = node;
    return node;
  }

  void dispatch_block(TSNode block, int depth) {
    for (TSNode statement : statements_of(block)) dispatch(statement, depth + 1);
  }

  void dispatch(TSNode statement, int depth) {
    const PyKinds& k = py_kinds();
    const KindId kind = python_kinds().of(statement);
    if (depth > kMaxDepth) {
      append_path_node();
    } else if (kind == k.function_definition) {
      visit_closure(statement, depth);
    } else if (kind == k.class_definition) {
      dispatch_block(field_child(statement, "body"), depth);
    } else if (kind == k.if_statement) {
      visit_if(statement, field_child(statement, "consequence"), clauses_of(statement), 0, depth);
    } else if (kind == k.for_statement || kind == k.while_statement) {
      visit_loop(statement, depth);
    } else if (kind == k.try_statement && !has_except_star(statement)) {
      visit_try(statement, depth);
    } else if (kind == k.with_statement) {
      append_path_node();
      dispatch_block(field_child(statement, "body"), depth);
    } else {
      append_path_node();  // simple statements, and match / try-except* (mccabe has no visitor for them)
    }
  }

  void visit_closure(TSNode function_definition, int depth) {
    const int pathnode = append_path_node();
    dispatch_block(field_child(function_definition, "body"), depth);
    const int bottom = graph_.add_node();
    graph_.connect(tail_, bottom);
    graph_.connect(pathnode, bottom);
    tail_ = bottom;
  }

  // One branch of a subgraph: a block, or (for `elif` chains) a nested If.
  struct Branch {
    TSNode block{};
    const std::vector<TSNode>* elif_chain = nullptr;  // non-null: the orelse is a nested If
    std::size_t elif_index = 0;
  };

  void dispatch_branch(const Branch& branch, int depth) {
    if (branch.elif_chain != nullptr) {
      TSNode clause = (*branch.elif_chain)[branch.elif_index];
      visit_if(clause, field_child(clause, "consequence"), *branch.elif_chain, branch.elif_index + 1, depth + 1);
    } else {
      dispatch_block(branch.block, depth);
    }
  }

  // mccabe's _subgraph_parse: body, extra blocks (except handlers), then orelse.
  void subgraph(TSNode body, const std::vector<Branch>& extras, const Branch* orelse, int depth) {
    const int pathnode = append_path_node();
    std::vector<int> loose_ends;
    tail_ = pathnode;
    dispatch_block(body, depth);
    loose_ends.push_back(tail_);
    for (const Branch& extra : extras) {
      tail_ = pathnode;
      dispatch_branch(extra, depth);
      loose_ends.push_back(tail_);
    }
    if (orelse != nullptr) {
      tail_ = pathnode;
      dispatch_branch(*orelse, depth);
      loose_ends.push_back(tail_);
    } else {
      loose_ends.push_back(pathnode);
    }
    const int bottom = graph_.add_node();
    for (int end : loose_ends) graph_.connect(end, bottom);
    tail_ = bottom;
  }

  // An `if` (or an `elif` clause, which the AST models as an If nested in the orelse);
  // `clauses[next]...` are the clauses that follow it.
  void visit_if(TSNode /*statement*/, TSNode consequence, const std::vector<TSNode>& clauses, std::size_t next,
                int depth) {
    if (next >= clauses.size()) {
      subgraph(consequence, {}, nullptr, depth);
      return;
    }
    Branch orelse;
    if (python_kinds().of(clauses[next]) == py_kinds().elif_clause) {
      orelse.elif_chain = &clauses;
      orelse.elif_index = next;
    } else {
      orelse.block = clause_block(clauses[next]);
    }
    subgraph(consequence, {}, &orelse, depth);
  }

  void visit_loop(TSNode statement, int depth) {
    TSNode alternative = field_child(statement, "alternative");
    if (ts_node_is_null(alternative)) {
      subgraph(field_child(statement, "body"), {}, nullptr, depth);
      return;
    }
    const Branch orelse{clause_block(alternative)};
    subgraph(field_child(statement, "body"), {}, &orelse, depth);
  }

  void visit_try(TSNode statement, int depth) {
    const PyKinds& k = py_kinds();
    std::vector<Branch> handlers;
    std::optional<Branch> orelse;
    for (TSNode clause : clauses_of(statement)) {
      const KindId kind = python_kinds().of(clause);
      if (kind == k.except_clause) handlers.push_back(Branch{clause_block(clause)});
      if (kind == k.else_clause) orelse = Branch{clause_block(clause)};
      // finally: mccabe does not visit it.
    }
    subgraph(field_child(statement, "body"), handlers, orelse ? &*orelse : nullptr, depth);
  }

  PathGraph graph_;
  int tail_ = 0;
};

}  // namespace

int statement_count(TSNode function_definition) { return count_block(field_child(function_definition, "body"), 0); }

int mccabe_complexity(TSNode function_definition) { return McCabeVisitor().run(function_definition); }

bool is_folded_into_enclosing_function(const FunctionInfo& function) { return function.parent != nullptr; }

}  // namespace torchlint
