#pragma once
// What a C++/CUDA file means beyond its syntax, decided by spelling (there is no compiler
// here): names qualified through `using namespace`, using-declarations, namespace aliases
// and enclosing namespaces; classes derived from `torch::nn::Module` / `Cloneable<...>` and
// their `forward` members (inline and out-of-line); declared types of locals and
// parameters; RAII grad-mode guards. Built once per file before the rule walk.
#include <tree_sitter/api.h>

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace torchlint {

struct CppClass {
  TSNode node{};                   // class_specifier / struct_specifier
  std::string name;                // as spelled, without template arguments
  std::vector<std::string> bases;  // qualified base names, template arguments stripped
  bool is_module = false;          // derives from torch::nn::* (Module, Cloneable<...>, ...), here or via a class of this file
};

// How a local variable or parameter was declared.
struct CppDeclaration {
  TSNode declaration{};  // declaration / parameter_declaration / for_range_loop / ...
  TSNode type{};         // its `type` node (`auto`'s placeholder_type_specifier included)
  TSNode value{};        // initializer expression when `T x = value` / `auto x = value`, else null
};

class CppModel {
 public:
  // `source` is the recovered text the tree was parsed from (same offsets as the file).
  CppModel(TSTree* tree, std::string_view source);

  // Fully spelled name of a name expression (identifier, qualified_identifier, template_function,
  // type_identifier, template_type...), template arguments dropped, a leading `::` dropped, aliases
  // expanded, and a bare or partial name completed through `using` declarations / directives and
  // the enclosing torch/at/c10 namespace (`ancestors`, outermost first, may be empty):
  // `F::relu` -> "torch::nn::functional::relu", `zeros` after `using namespace torch;` ->
  // "torch::zeros". Empty when `node` is not a name.
  [[nodiscard]] std::string qualified_name(TSNode node, const std::vector<TSNode>& ancestors = {}) const;
  // qualified_name of a call's callee (`function` field), except that a bare name is completed only
  // through `using` declarations and directives, never by the enclosing namespace: inside
  // `namespace torch { ... }` a bare `range()` or `tensor(i)` is far more often a member or a local
  // function than `torch::range`. Empty for method calls (`x.f()`).
  [[nodiscard]] std::string callee_name(TSNode call, const std::vector<TSNode>& ancestors) const;
  // The spelled name only: template arguments and whitespace dropped, no resolution.
  [[nodiscard]] std::string spelled_name(TSNode node) const;

  // True for torch::Tensor / at::Tensor (as qualified_name resolves it) in a `type` node.
  [[nodiscard]] bool is_tensor_type(TSNode type, const std::vector<TSNode>& ancestors) const;
  // The declaration of local variable / parameter `name` visible at `use` (ancestors of `use`,
  // outermost first): the nearest enclosing block's earlier declaration, then outer blocks, for/
  // catch/lambda/function parameters. nullopt for members, globals and unknown names.
  [[nodiscard]] std::optional<CppDeclaration> local_declaration(std::string_view name, TSNode use,
                                                                const std::vector<TSNode>& ancestors) const;
  // A local or parameter declared `torch::Tensor` / `at::Tensor` (any cv/ref), or `auto x =
  // torch::...(...)` / `at::...(...)` (structured bindings of such a call included).
  [[nodiscard]] bool is_tensor_variable(TSNode identifier, const std::vector<TSNode>& ancestors) const;

  [[nodiscard]] const std::vector<CppClass>& classes() const { return classes_; }
  // The class (of this file) a function_definition is a member of: inline in its body, or
  // out-of-line `Net::forward` / `Net<T>::forward`. Null when unknown.
  [[nodiscard]] const CppClass* owner_class(TSNode function_definition) const;
  // A `forward` member of a module class; an out-of-line `XImpl::forward` whose class is not
  // defined in this file counts too (LibTorch names a module's implementation `<Name>Impl`).
  [[nodiscard]] bool is_module_forward(TSNode function_definition) const;

  // A declaration of an RAII guard that turns gradients off for the rest of its block:
  // `torch::NoGradGuard g;`, `at::NoGradGuard`, `c10::InferenceMode g;` (not `(false)`),
  // `torch::InferenceMode`, `torch::AutoGradMode g(false);` / `at::` / `c10::` (also `{false}`).
  [[nodiscard]] bool is_grad_guard(TSNode declaration, const std::vector<TSNode>& ancestors) const;

  // Name of a function_definition / declaration's function declarator node (what is reported as
  // "the function name": `forward`, `Net::forward`, `operator()`), null when none.
  [[nodiscard]] TSNode function_name(TSNode definition) const;
  // True when a function of this name is declared or defined in this file (so `using namespace
  // torch;` does not turn the file's own `helper_()` into `torch::helper_`).
  [[nodiscard]] bool defines_function(std::string_view name) const { return local_functions_.contains(name); }

  [[nodiscard]] std::string_view text(TSNode node) const;

 private:
  void collect(TSNode root);
  void add_using(TSNode node);
  void add_class(TSNode node);
  void resolve_classes();
  [[nodiscard]] std::string expand_alias(std::string name) const;
  [[nodiscard]] std::string enclosing_root_namespace(const std::vector<TSNode>& ancestors) const;
  [[nodiscard]] std::optional<CppDeclaration> declaration_in(TSNode holder, std::string_view name,
                                                             std::uint32_t before) const;

  std::string_view source_;
  std::vector<CppClass> classes_;
  std::unordered_map<std::string, std::size_t> class_by_name_;
  std::unordered_map<std::uint32_t, std::size_t> class_by_body_start_;
  std::unordered_map<std::string, std::string> aliases_;          // namespace F = torch::nn::functional;
  std::unordered_map<std::string, std::string> using_names_;      // using torch::Tensor;  Tensor -> torch::Tensor
  std::vector<std::string> using_namespaces_;                     // using namespace torch;
  std::unordered_set<std::string_view> local_functions_;
};

// The name node a diagnostic about a callee points at: `zeros` in `torch::zeros` /
// `torch::zeros<T>`, `add_` in `x.add_` / `x->template add_<T>`, the identifier itself otherwise.
TSNode callee_name_node(TSNode callee);

// The declarator's innermost name (identifier / field_identifier / qualified_identifier...) of a
// declarator chain (init_declarator, reference_declarator, pointer_declarator, ...).
TSNode declarator_name(TSNode declarator);

}  // namespace torchlint
