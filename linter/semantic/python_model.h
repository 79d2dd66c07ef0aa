#pragma once
// What a Python file means beyond its syntax: imports resolved to qualified names,
// classes (nn.Module subclasses and their forwards), functions with their known
// tensor names and grad-mode decorators. Built once per file before the rule walk.
#include <tree_sitter/api.h>

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace torchlint {

struct ImportBinding {
  std::string qualified;  // "torch.nn.functional"; relative imports start with '.'
  std::string module;     // for `from M import N`: "M" (with leading dots if relative); "" for `import`
  bool from_import = false;
  TSNode node{};          // the import statement
};

struct ClassInfo {
  TSNode node{};
  std::string_view name;
  std::vector<std::string> bases;  // qualified names where resolvable, else the spelled text
  bool is_module = false;          // an nn.Module subclass per the catalog
  const ClassInfo* parent_class = nullptr;  // class whose body directly holds this one
};

// A parameter of a `def` as the annotation rules see them (python_signature.h).
struct ParameterInfo {
  TSNode node{};        // the whole parameter: `x`, `x=1`, `x: int = 1`, `*args`, `**kw: Any`
  TSNode name{};        // its identifier
  TSNode annotation{};  // the `type` node; null when unannotated
  std::string_view spelled;  // as written without annotation or default: "x", "*args", "**kwargs"
  bool variadic_positional = false;  // *args
  bool variadic_keyword = false;     // **kwargs
  // The first parameter of a def directly in a class body (self / cls), unless @staticmethod.
  bool is_implicit_receiver = false;
};

struct FunctionInfo {
  TSNode node{};                        // function_definition
  TSNode definition{};                  // decorated_definition when decorated, else node
  std::string_view name;
  const ClassInfo* cls = nullptr;       // class whose body directly holds this def
  const FunctionInfo* parent = nullptr; // enclosing function, if nested
  std::vector<TSNode> decorators;       // decorator nodes
  std::vector<std::string> decorator_names;  // qualified (or spelled) name of each decorator's callee
  bool is_forward = false;              // `forward` directly in an nn.Module subclass
  bool no_grad_decorated = false;       // @torch.no_grad[()] / @torch.inference_mode[()]
  bool is_staticmethod = false;
  bool is_async = false;
  std::unordered_set<std::string_view> tensor_names;  // known tensor names (catalog)
  // Its parameters, markers (`*`, `/`) left out: computed once here because several rules
  // read them (signature_parameters() in python_signature.h).
  std::vector<ParameterInfo> parameters;
};

class PythonModel {
 public:
  PythonModel(const TSTree* tree, std::string_view source);

  // The qualified name an identifier or attribute chain resolves to ("torch.zeros"),
  // or nullopt when its root is not an import (or a conventional module name).
  [[nodiscard]] std::optional<std::string> qualified_name(TSNode expression) const;
  // Qualified name of a call's callee.
  [[nodiscard]] std::optional<std::string> callee_name(TSNode call) const;

  [[nodiscard]] const FunctionInfo* function(TSNode function_definition) const;
  [[nodiscard]] const ClassInfo* class_info(TSNode class_definition) const;
  [[nodiscard]] const std::deque<FunctionInfo>& functions() const { return functions_; }
  [[nodiscard]] const std::deque<ClassInfo>& classes() const { return classes_; }
  [[nodiscard]] const std::unordered_map<std::string, ImportBinding>& imports() const { return imports_; }
  // Known tensor names at the module's top level.
  [[nodiscard]] const std::unordered_set<std::string_view>& module_tensor_names() const { return module_tensors_; }
  // True when `name` is bound anywhere in the file (import, assignment, parameter, def...).
  [[nodiscard]] bool is_bound(std::string_view name) const { return bound_.contains(name); }
  // Known tensor name in `scope` (nullptr: module level).
  [[nodiscard]] bool is_tensor_name(const FunctionInfo* scope, std::string_view name) const;
  // True when the annotation (a `type` node or expression) denotes torch.Tensor per the catalog
  // (directly, Optional[...], X | None, or a jaxtyping array type).
  [[nodiscard]] bool is_tensor_annotation(TSNode annotation) const;
  // True when qualified name `name` is a tensor-returning torch function (catalog).
  [[nodiscard]] static bool returns_tensor(std::string_view qualified);
  // A `with` item or decorator expression that turns gradients off.
  [[nodiscard]] bool is_no_grad_context(TSNode expression) const;
  // The docstring node of a function/class/module body, if any (a `string`).
  [[nodiscard]] std::optional<TSNode> docstring(TSNode definition) const;

  [[nodiscard]] std::string_view text(TSNode node) const;

 private:
  void collect(TSNode root);
  void add_import(TSNode statement);
  void add_bound_targets(TSNode target);
  void finish_function(FunctionInfo& info);
  void resolve_classes();
  void resolve_tensor_names();
  void record_tensor_targets(TSNode left, std::unordered_set<std::string_view>& names) const;

  std::string_view source_;
  std::unordered_map<std::string, ImportBinding> imports_;
  std::unordered_set<std::string_view> bound_;
  std::deque<ClassInfo> classes_;
  std::deque<FunctionInfo> functions_;
  std::unordered_map<std::uint32_t, std::size_t> function_by_start_;
  std::unordered_map<std::uint32_t, std::size_t> class_by_start_;
  // Assignments seen per scope (index into functions_, or npos for module level), resolved after imports.
  std::vector<std::pair<std::size_t, TSNode>> assignments_;
  std::unordered_set<std::string_view> module_tensors_;
};

}  // namespace torchlint
