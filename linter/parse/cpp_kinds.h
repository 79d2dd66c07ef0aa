#pragma once
// The tree-sitter-cpp node kinds the C++ engine and rules use by name, resolved once
// to KindIds (as PyKinds does for Python). Add a kind here when a rule needs it.
#include "linter/parse/kinds.h"

namespace torchlint {

#define TORCHLINT_CPP_KINDS(X)                                                                       \
  X(translation_unit) X(comment) X(ERROR) X(identifier) X(field_identifier) X(type_identifier)      \
  X(namespace_identifier) X(qualified_identifier) X(destructor_name) X(operator_name)              \
  X(template_function) X(template_method) X(template_type) X(template_argument_list)               \
  X(type_descriptor) X(primitive_type) X(sized_type_specifier) X(placeholder_type_specifier)       \
  X(type_qualifier) X(dependent_type) X(dependent_name)                                \
  X(function_definition) X(function_declarator) X(parameter_list) X(parameter_declaration)         \
  X(optional_parameter_declaration) X(variadic_parameter_declaration) X(trailing_return_type)      \
  X(declaration) X(field_declaration) X(init_declarator) X(reference_declarator)                   \
  X(pointer_declarator) X(array_declarator) X(parenthesized_declarator) X(structured_binding_declarator) \
  X(template_declaration) X(friend_declaration) X(type_definition) X(alias_declaration)            \
  X(class_specifier) X(struct_specifier) X(union_specifier) X(enum_specifier) X(base_class_clause) \
  X(field_declaration_list) X(access_specifier) X(field_initializer_list)                         \
  X(namespace_definition) X(namespace_alias_definition) X(nested_namespace_specifier)             \
  X(declaration_list) X(using_declaration) X(linkage_specification)                                \
  X(compound_statement) X(expression_statement) X(return_statement) X(if_statement)               \
  X(else_clause) X(condition_clause) X(for_statement) X(for_range_loop) X(while_statement)         \
  X(do_statement) X(switch_statement) X(case_statement) X(try_statement) X(catch_clause)           \
  X(break_statement) X(continue_statement) X(goto_statement) X(labeled_statement)                 \
  X(throw_statement) X(co_return_statement) X(co_yield_statement) X(attributed_statement)          \
  X(seh_try_statement) X(static_assert_declaration) X(init_statement)                              \
  X(call_expression) X(argument_list) X(field_expression) X(assignment_expression)                 \
  X(binary_expression) X(unary_expression) X(update_expression) X(conditional_expression)          \
  X(parenthesized_expression) X(cast_expression) X(comma_expression) X(subscript_expression)       \
  X(pointer_expression) X(lambda_expression) X(initializer_list) X(compound_literal_expression)     \
  X(new_expression) X(sizeof_expression) X(string_literal) X(raw_string_literal)                   \
  X(concatenated_string) X(char_literal) X(number_literal) X(user_defined_literal)          \
  X(preproc_if) X(preproc_ifdef) X(preproc_elif) X(preproc_else) X(preproc_elifdef)                \
  X(preproc_def) X(preproc_function_def) X(preproc_call) X(preproc_include)

// Kinds whose grammar name is a C++ keyword: member name, grammar name.
#define TORCHLINT_CPP_KEYWORD_KINDS(X) \
  X(auto_, "auto") X(true_, "true") X(false_, "false") X(this_, "this") X(decltype_, "decltype")

struct CppKinds {
#define TORCHLINT_DECLARE_KIND(name) KindId name = kNoKind;
#define TORCHLINT_DECLARE_KEYWORD_KIND(member, grammar_name) KindId member = kNoKind;
  TORCHLINT_CPP_KINDS(TORCHLINT_DECLARE_KIND)
  TORCHLINT_CPP_KEYWORD_KINDS(TORCHLINT_DECLARE_KEYWORD_KIND)
#undef TORCHLINT_DECLARE_KIND
#undef TORCHLINT_DECLARE_KEYWORD_KIND
};
const CppKinds& cpp_kinds();

}  // namespace torchlint
