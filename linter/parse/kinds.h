#pragma once
// Node kinds as small integer ids, resolved once per grammar, so that the walk and
// the rules compare integers instead of strings. Several tree-sitter symbols may
// share one public name (aliases); they share one KindId.
#include <tree_sitter/api.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "linter/source/source_file.h"

namespace torchlint {

using KindId = std::uint16_t;
inline constexpr KindId kNoKind = 0;

class KindTable {
 public:
  explicit KindTable(const TSLanguage* language);
  // Id of the named node kind `name` (kNoKind if the grammar has none).
  [[nodiscard]] KindId named(std::string_view name) const;
  // Id of the anonymous token `text` (e.g. "+=", "if").
  [[nodiscard]] KindId token(std::string_view text) const;
  [[nodiscard]] KindId of(TSNode node) const { return by_symbol_[ts_node_symbol(node)]; }
  [[nodiscard]] std::size_t size() const { return names_.size(); }
  [[nodiscard]] TSFieldId field(std::string_view name) const;

 private:
  const TSLanguage* language_;
  std::vector<KindId> by_symbol_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, KindId> named_ids_;
  std::unordered_map<std::string, KindId> token_ids_;
};

const KindTable& kind_table(Language language);

// The Python kinds the engine and rules use by name. Add a kind here when a rule needs it.
#define TORCHLINT_PY_KINDS(X)                                                                     \
  X(module) X(function_definition) X(class_definition) X(decorated_definition) X(decorator)      \
  X(parameters) X(identifier) X(typed_parameter) X(default_parameter) X(typed_default_parameter) \
  X(list_splat_pattern) X(dictionary_splat_pattern) X(keyword_separator) X(positional_separator) \
  X(call) X(attribute) X(argument_list) X(keyword_argument) X(dictionary_splat) X(list_splat)    \
  X(string) X(string_content) X(concatenated_string) X(integer) \
  X(assignment) X(augmented_assignment) X(subscript) X(slice) X(expression_statement)            \
  X(return_statement) X(with_statement) X(with_clause) X(with_item) X(as_pattern)                \
  X(as_pattern_target) X(if_statement) X(elif_clause) X(else_clause) X(while_statement)          \
  X(for_statement) X(try_statement) X(except_clause) X(finally_clause) X(conditional_expression) \
  X(tuple) X(parenthesized_expression) X(import_statement) X(import_from_statement)              \
  X(future_import_statement) X(dotted_name) X(aliased_import) X(relative_import) X(lambda)       \
  X(block) X(comment) X(ERROR) X(type) X(generic_type) X(type_parameter) X(binary_operator)      \
  X(boolean_operator) X(comparison_operator) X(not_operator) X(unary_operator) X(pattern_list)   \
  X(tuple_pattern) X(list_pattern) X(expression_list) X(yield) X(dictionary)                     \
  X(dictionary_comprehension) X(list) X(list_comprehension) X(set) X(set_comprehension)          \
  X(generator_expression) X(pass_statement) X(global_statement) X(nonlocal_statement)            \
  X(raise_statement) X(assert_statement) X(delete_statement) X(break_statement)                  \
  X(continue_statement) X(print_statement) X(exec_statement) X(type_alias_statement)             \
  X(match_statement) X(case_clause) X(await) X(named_expression) X(for_in_clause) X(if_clause)   \
  X(union_type) X(pair) X(interpolation) X(escape_sequence) X(lambda_parameters)

// Kinds whose grammar name is a C++ keyword: member name, grammar name.
#define TORCHLINT_PY_KEYWORD_KINDS(X) X(float_, "float") X(true_, "true") X(false_, "false") X(none, "none")

struct PyKinds {
#define TORCHLINT_DECLARE_KIND(name) KindId name = kNoKind;
#define TORCHLINT_DECLARE_KEYWORD_KIND(member, grammar_name) KindId member = kNoKind;
  TORCHLINT_PY_KINDS(TORCHLINT_DECLARE_KIND)
  TORCHLINT_PY_KEYWORD_KINDS(TORCHLINT_DECLARE_KEYWORD_KIND)
#undef TORCHLINT_DECLARE_KIND
#undef TORCHLINT_DECLARE_KEYWORD_KIND
};
const PyKinds& py_kinds();

}  // namespace torchlint
