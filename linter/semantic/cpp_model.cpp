#include "linter/semantic/cpp_model.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/walk.h"

namespace torchlint {
namespace {

const KindTable& table() { return kind_table(Language::Cpp); }
KindId kind_of(TSNode node) { return ts_node_is_null(node) ? kNoKind : table().of(node); }

bool starts_with_root(std::string_view name) {
  for (std::string_view root : {"torch", "at", "c10", "std", "caffe2"}) {
    if (name == root || (name.starts_with(root) && name.substr(root.size()).starts_with("::"))) return true;
  }
  return false;
}

std::string_view head_of(std::string_view name) { return name.substr(0, name.find("::")); }

std::string_view last_component(std::string_view name) {
  const std::size_t pos = name.rfind("::");
  return pos == std::string_view::npos ? name : name.substr(pos + 2);
}

bool is_torch_or_aten(std::string_view qualified) {
  return qualified.starts_with("torch::") || qualified.starts_with("at::");
}

}  // namespace

TSNode declarator_name(TSNode declarator) {
  const CppKinds& k = cpp_kinds();
  TSNode node = declarator;
  for (int guard = 0; guard < 64 && !ts_node_is_null(node); ++guard) {
    const KindId kind = kind_of(node);
    if (kind == k.init_declarator || kind == k.reference_declarator || kind == k.pointer_declarator ||
        kind == k.array_declarator || kind == k.parenthesized_declarator || kind == k.function_declarator) {
      TSNode inner = field_child(node, "declarator");
      // reference_declarator has no field name for its inner declarator.
      if (ts_node_is_null(inner)) inner = ts_node_named_child(node, ts_node_named_child_count(node) - 1);
      node = inner;
      continue;
    }
    return node;
  }
  return TSNode{};
}

TSNode callee_name_node(TSNode callee) {
  const CppKinds& k = cpp_kinds();
  TSNode node = callee;
  for (int guard = 0; guard < 64 && !ts_node_is_null(node); ++guard) {
    const KindId kind = kind_of(node);
    if (kind == k.qualified_identifier || kind == k.template_function || kind == k.template_method) {
      node = field_child(node, "name");
    } else if (kind == k.field_expression) {
      node = field_child(node, "field");
    } else if (kind == k.dependent_name) {
      node = ts_node_named_child(node, 0);
    } else {
      return node;
    }
  }
  return TSNode{};
}

CppModel::CppModel(TSTree* tree, std::string_view source) : source_(source) {
  collect(ts_tree_root_node(tree));
  resolve_classes();
}

std::string_view CppModel::text(TSNode node) const {
  if (ts_node_is_null(node)) return {};
  return source_.substr(ts_node_start_byte(node), ts_node_end_byte(node) - ts_node_start_byte(node));
}

std::string CppModel::spelled_name(TSNode node) const {
  const CppKinds& k = cpp_kinds();
  const KindId kind = kind_of(node);
  if (kind != k.identifier && kind != k.qualified_identifier && kind != k.type_identifier &&
      kind != k.namespace_identifier && kind != k.template_function && kind != k.template_type &&
      kind != k.field_identifier && kind != k.nested_namespace_specifier) {
    return {};
  }
  std::string result;
  int depth = 0;
  for (char c : text(node)) {
    if (c == '<') ++depth;
    if (depth == 0 && std::isspace(static_cast<unsigned char>(c)) == 0) result.push_back(c);
    if (c == '>' && depth > 0) --depth;
  }
  if (result.starts_with("::")) result.erase(0, 2);
  if (result.starts_with("template")) result.erase(0, 8);  // `::template name<...>` remnants
  return result;
}

std::string CppModel::expand_alias(std::string name) const {
  for (int round = 0; round < 4; ++round) {
    const std::string head(head_of(name));
    auto it = aliases_.find(head);
    if (it == aliases_.end() || it->second == head) break;
    name = it->second + name.substr(head.size());
  }
  return name;
}

std::string CppModel::enclosing_root_namespace(const std::vector<TSNode>& ancestors) const {
  const CppKinds& k = cpp_kinds();
  std::string path;
  for (TSNode ancestor : ancestors) {
    if (kind_of(ancestor) != k.namespace_definition) continue;
    const std::string name = spelled_name(field_child(ancestor, "name"));
    if (name.empty()) continue;  // anonymous namespace
    path = path.empty() ? name : path + "::" + name;
  }
  // Lookup from inside a namespace finds the namespace's own names and those of its parents; the
  // names rules care about live in the root (`at::zeros`, `torch::Tensor`) or, for modules, in
  // `torch::nn`.
  if (path.starts_with("torch::nn")) return "torch::nn";
  const std::string_view root = head_of(path);
  if (root == "torch" || root == "at" || root == "c10") return std::string(root);
  return {};
}

// Heads of partial names that `using namespace torch;` (or an enclosing namespace) completes:
// torch's own sub-namespaces and scoped enums. `my::f` stays `my::f`.
static bool is_torch_subnamespace(std::string_view head) {
  static constexpr std::array<std::string_view, 21> kHeads = {
      "nn",         "optim",    "data",   "cuda",     "autograd", "jit",    "serialize",
      "indexing",   "native",   "cpu",    "linalg",   "fft",      "special", "functional",
      "init",       "utils",    "ScalarType", "DeviceType", "Layout", "MemoryFormat", "detail"};
  return std::find(kHeads.begin(), kHeads.end(), head) != kHeads.end();
}

std::string CppModel::qualified_name(TSNode node, const std::vector<TSNode>& ancestors) const {
  std::string name = spelled_name(node);
  if (name.empty()) return name;
  name = expand_alias(std::move(name));
  if (starts_with_root(name)) return name;
  if (auto it = using_names_.find(name); it != using_names_.end()) return it->second;
  if (name.find("::") != std::string::npos && !is_torch_subnamespace(head_of(name))) return name;
  if (const std::string root = enclosing_root_namespace(ancestors); !root.empty()) return root + "::" + name;
  if (!using_namespaces_.empty() && !local_functions_.contains(name)) return using_namespaces_.front() + "::" + name;
  return name;
}

std::string CppModel::callee_name(TSNode call, const std::vector<TSNode>& ancestors) const {
  const CppKinds& k = cpp_kinds();
  TSNode callee = field_child(call, "function");
  const KindId kind = kind_of(callee);
  if (kind == k.identifier || (kind == k.template_function && kind_of(field_child(callee, "name")) == k.identifier)) {
    return qualified_name(callee, {});  // no enclosing namespaces: only aliases and `using`
  }
  if (kind == k.qualified_identifier || kind == k.template_function) return qualified_name(callee, ancestors);
  return {};
}

bool CppModel::is_tensor_type(TSNode type, const std::vector<TSNode>& ancestors) const {
  const std::string qualified = qualified_name(type, ancestors);
  if (qualified == "torch::Tensor" || qualified == "at::Tensor" || qualified == "torch::autograd::Variable") return true;
  if (last_component(qualified) != "Tensor") return false;
  if (is_torch_or_aten(qualified)) return true;
  // `Tensor` with several `using namespace` directives: any of torch / at will do.
  return qualified.find("::") == qualified.rfind("::") &&
         std::any_of(using_namespaces_.begin(), using_namespaces_.end(),
                     [](const std::string& ns) { return ns == "torch" || ns == "at"; });
}

// ----- collection -----

void CppModel::collect(TSNode root) {
  const CppKinds& k = cpp_kinds();
  std::vector<TSNode> stack;
  walk_tree(
      root,
      [&](TSNode node) {
        const KindId kind = kind_of(node);
        if (kind == k.using_declaration || kind == k.namespace_alias_definition || kind == k.alias_declaration) {
          add_using(node);
        } else if ((kind == k.class_specifier || kind == k.struct_specifier) &&
                   !ts_node_is_null(field_child(node, "body"))) {
          add_class(node);
          CppClass& added = classes_.back();
          TSNode clause = TSNode{};
          for (std::uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
            if (kind_of(ts_node_named_child(node, i)) == k.base_class_clause) clause = ts_node_named_child(node, i);
          }
          if (!ts_node_is_null(clause)) {
            for (std::uint32_t i = 0; i < ts_node_named_child_count(clause); ++i) {
              TSNode base = ts_node_named_child(clause, i);
              const KindId base_kind = kind_of(base);
              if (base_kind != k.qualified_identifier && base_kind != k.type_identifier && base_kind != k.template_type) continue;
              added.bases.push_back(qualified_name(base, stack));
              // Under several `using namespace` directives the base may live in any of them.
              const std::string spelled = expand_alias(spelled_name(base));
              if (!starts_with_root(spelled)) {
                for (const auto& ns : using_namespaces_) added.bases.push_back(ns + "::" + spelled);
              }
            }
          }
        } else if (kind == k.function_definition || kind == k.declaration || kind == k.field_declaration) {
          TSNode name = function_name(node);
          if (!ts_node_is_null(name)) local_functions_.insert(last_component(text(name)));
        }
        stack.push_back(node);
        return true;
      },
      [&](TSNode) { stack.pop_back(); });
}

void CppModel::add_using(TSNode node) {
  const CppKinds& k = cpp_kinds();
  const KindId kind = kind_of(node);
  if (kind == k.namespace_alias_definition) {
    // namespace F = torch::nn::functional;
    const std::string alias = spelled_name(field_child(node, "name"));
    std::string target;
    for (std::uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
      TSNode child = ts_node_named_child(node, i);
      if (kind_of(child) == k.nested_namespace_specifier || (kind_of(child) == k.namespace_identifier && i > 0)) {
        target = spelled_name(child);
      }
    }
    if (!alias.empty() && !target.empty()) aliases_[alias] = expand_alias(target);
    return;
  }
  if (kind == k.alias_declaration) {
    // using Tensor = torch::Tensor;  (a plain name only; template aliases are not followed)
    const std::string alias = spelled_name(field_child(node, "name"));
    TSNode descriptor = field_child(node, "type");
    TSNode type = ts_node_is_null(descriptor) ? TSNode{} : field_child(descriptor, "type");
    const std::string target = expand_alias(spelled_name(type));
    if (!alias.empty() && starts_with_root(target) && ts_node_named_child_count(descriptor) == 1) using_names_[alias] = target;
    return;
  }
  // using namespace torch;  /  using torch::Tensor;
  const std::string_view spelled = text(node);
  TSNode target = ts_node_named_child(node, 0);
  if (ts_node_is_null(target)) return;
  const std::string name = expand_alias(spelled_name(target));
  if (name.empty()) return;
  if (spelled.find("namespace") != std::string_view::npos) {
    if (std::find(using_namespaces_.begin(), using_namespaces_.end(), name) == using_namespaces_.end()) {
      using_namespaces_.push_back(name);
    }
  } else {
    using_names_[std::string(last_component(name))] = name;
  }
}

void CppModel::add_class(TSNode node) {
  CppClass info;
  info.node = node;
  info.name = spelled_name(field_child(node, "name"));
  class_by_body_start_[ts_node_start_byte(field_child(node, "body"))] = classes_.size();
  if (!info.name.empty()) class_by_name_[std::string(last_component(info.name))] = classes_.size();
  classes_.push_back(std::move(info));
}

void CppModel::resolve_classes() {
  // Direct torch::nn bases first, then classes of this file derived from those, to a fixpoint.
  for (auto& cls : classes_) {
    cls.is_module = std::any_of(cls.bases.begin(), cls.bases.end(),
                                [](const std::string& base) { return base.starts_with("torch::nn::"); });
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& cls : classes_) {
      if (cls.is_module) continue;
      for (const auto& base : cls.bases) {
        auto it = class_by_name_.find(std::string(last_component(base)));
        if (it != class_by_name_.end() && classes_[it->second].is_module) {
          cls.is_module = true;
          changed = true;
          break;
        }
      }
    }
  }
}

// ----- functions and classes -----

TSNode CppModel::function_name(TSNode definition) const {
  const CppKinds& k = cpp_kinds();
  TSNode node = field_child(definition, "declarator");
  for (int guard = 0; guard < 64 && !ts_node_is_null(node); ++guard) {
    const KindId kind = kind_of(node);
    if (kind == k.function_declarator) return field_child(node, "declarator");
    if (kind == k.reference_declarator || kind == k.pointer_declarator || kind == k.parenthesized_declarator) {
      TSNode inner = field_child(node, "declarator");
      if (ts_node_is_null(inner)) inner = ts_node_named_child(node, ts_node_named_child_count(node) - 1);
      node = inner;
      continue;
    }
    return TSNode{};
  }
  return TSNode{};
}

const CppClass* CppModel::owner_class(TSNode function_definition) const {
  const CppKinds& k = cpp_kinds();
  // Inline: the definition sits in a class body (possibly under `template <...>`).
  TSNode parent = ts_node_parent(function_definition);
  if (kind_of(parent) == k.template_declaration) parent = ts_node_parent(parent);
  if (kind_of(parent) == k.field_declaration_list) {
    auto it = class_by_body_start_.find(ts_node_start_byte(parent));
    return it == class_by_body_start_.end() ? nullptr : &classes_[it->second];
  }
  // Out of line: `Net::forward`, `Net<T>::forward`, `ns::Net::forward`.
  TSNode name = function_name(function_definition);
  if (kind_of(name) != k.qualified_identifier) return nullptr;
  const std::string spelled = spelled_name(name);
  const std::size_t last = spelled.rfind("::");
  if (last == std::string::npos) return nullptr;
  const std::string scope = spelled.substr(0, last);
  auto it = class_by_name_.find(std::string(last_component(scope)));
  return it == class_by_name_.end() ? nullptr : &classes_[it->second];
}

bool CppModel::is_module_forward(TSNode function_definition) const {
  TSNode name = function_name(function_definition);
  if (ts_node_is_null(name) || last_component(spelled_name(name)) != "forward") return false;
  const CppClass* owner = owner_class(function_definition);
  if (owner != nullptr) return owner->is_module;
  // `NetImpl::forward` defined here for a class declared in a header: LibTorch's module naming
  // convention (TORCH_MODULE(Net) wraps `NetImpl`) is the only evidence the file offers.
  const std::string spelled = spelled_name(name);
  const std::size_t last = spelled.rfind("::");
  return last != std::string::npos && spelled.substr(0, last).ends_with("Impl");
}

// ----- locals -----

namespace {

// The declarators of a declaration-like node (several for `torch::Tensor a, b;`).
std::vector<TSNode> declarators_of(TSNode declaration) {
  std::vector<TSNode> result;
  const std::uint32_t count = ts_node_child_count(declaration);
  for (std::uint32_t i = 0; i < count; ++i) {
    const char* field = ts_node_field_name_for_child(declaration, i);
    if (field != nullptr && std::string_view(field) == "declarator") result.push_back(ts_node_child(declaration, i));
  }
  return result;
}

}  // namespace

std::optional<CppDeclaration> CppModel::declaration_in(TSNode holder, std::string_view name, std::uint32_t before) const {
  const CppKinds& k = cpp_kinds();
  const KindId kind = kind_of(holder);
  if (kind != k.declaration && kind != k.parameter_declaration && kind != k.optional_parameter_declaration &&
      kind != k.for_range_loop) {
    return std::nullopt;
  }
  if (ts_node_start_byte(holder) >= before && kind == k.declaration) return std::nullopt;
  for (TSNode declarator : declarators_of(holder)) {
    std::vector<TSNode> names;
    TSNode value{};
    TSNode inner = declarator;
    if (kind_of(inner) == k.init_declarator) {
      value = field_child(inner, "value");
      if (kind_of(value) == k.argument_list || kind_of(value) == k.initializer_list) {
        value = ts_node_named_child_count(value) == 1 ? ts_node_named_child(value, 0) : TSNode{};
      }
      inner = field_child(inner, "declarator");
    }
    if (kind == k.optional_parameter_declaration) value = TSNode{};
    // Pointers and arrays of tensors are not tensors.
    if (kind_of(inner) == k.pointer_declarator || kind_of(inner) == k.array_declarator) continue;
    if (kind_of(inner) == k.reference_declarator) {
      inner = ts_node_named_child(inner, ts_node_named_child_count(inner) - 1);
      if (kind_of(inner) == k.pointer_declarator) continue;
    }
    if (kind_of(inner) == k.structured_binding_declarator) {
      for (std::uint32_t i = 0; i < ts_node_named_child_count(inner); ++i) names.push_back(ts_node_named_child(inner, i));
    } else {
      names.push_back(inner);
    }
    for (TSNode candidate : names) {
      if (kind_of(candidate) == k.identifier && text(candidate) == name) {
        return CppDeclaration{holder, field_child(holder, "type"), value};
      }
    }
  }
  return std::nullopt;
}

std::optional<CppDeclaration> CppModel::local_declaration(std::string_view name, TSNode use,
                                                          const std::vector<TSNode>& ancestors) const {
  const CppKinds& k = cpp_kinds();
  const std::uint32_t at = ts_node_start_byte(use);
  auto parameters_of = [&](TSNode list) -> std::optional<CppDeclaration> {
    if (ts_node_is_null(list)) return std::nullopt;
    for (std::uint32_t i = 0; i < ts_node_named_child_count(list); ++i) {
      if (auto found = declaration_in(ts_node_named_child(list, i), name, UINT32_MAX)) return found;
    }
    return std::nullopt;
  };
  for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) {
    TSNode scope = *it;
    const KindId kind = kind_of(scope);
    if (kind == k.compound_statement) {
      // The nearest earlier declaration in this block wins (shadowing, redeclaration).
      std::optional<CppDeclaration> found;
      for (std::uint32_t i = 0; i < ts_node_named_child_count(scope); ++i) {
        TSNode child = ts_node_named_child(scope, i);
        if (ts_node_start_byte(child) >= at) break;
        if (auto declared = declaration_in(child, name, at)) found = declared;
      }
      if (found) return found;
    } else if (kind == k.for_statement) {
      if (auto found = declaration_in(field_child(scope, "initializer"), name, at)) return found;
    } else if (kind == k.for_range_loop) {
      if (auto found = declaration_in(scope, name, UINT32_MAX)) return found;
    } else if (kind == k.catch_clause) {
      if (auto found = parameters_of(field_child(scope, "parameters"))) return found;
    } else if (kind == k.lambda_expression) {
      TSNode declarator = field_child(scope, "declarator");
      if (!ts_node_is_null(declarator)) {
        if (auto found = parameters_of(field_child(declarator, "parameters"))) return found;
      }
    } else if (kind == k.function_definition) {
      TSNode declarator = field_child(scope, "declarator");
      while (!ts_node_is_null(declarator) && kind_of(declarator) != k.function_declarator) {
        TSNode inner = field_child(declarator, "declarator");
        if (ts_node_is_null(inner)) inner = ts_node_named_child(declarator, ts_node_named_child_count(declarator) - 1);
        declarator = inner;
      }
      if (!ts_node_is_null(declarator)) return parameters_of(field_child(declarator, "parameters"));
      return std::nullopt;
    } else if (kind == k.field_declaration_list || kind == k.translation_unit || kind == k.declaration_list) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool CppModel::is_tensor_variable(TSNode identifier, const std::vector<TSNode>& ancestors) const {
  const CppKinds& k = cpp_kinds();
  if (kind_of(identifier) != k.identifier) return false;
  auto declared = local_declaration(text(identifier), identifier, ancestors);
  if (!declared || ts_node_is_null(declared->type)) return false;
  if (kind_of(declared->type) == k.placeholder_type_specifier) {
    // auto x = torch::...(...) / at::...(...)
    if (kind_of(declared->value) != k.call_expression) return false;
    return is_torch_or_aten(callee_name(declared->value, ancestors));
  }
  return is_tensor_type(declared->type, ancestors);
}

bool CppModel::is_grad_guard(TSNode declaration, const std::vector<TSNode>& ancestors) const {
  const CppKinds& k = cpp_kinds();
  if (kind_of(declaration) != k.declaration) return false;
  // Cheap spelling test first: this runs for every local declaration of a C++ file.
  const std::string_view spelled = text(field_child(declaration, "type"));
  if (!spelled.ends_with("Guard") && !spelled.ends_with("Mode")) return false;
  const std::string type = qualified_name(field_child(declaration, "type"), ancestors);
  const std::string_view root = head_of(type);
  if (root != "torch" && root != "at" && root != "c10") return false;
  const std::string_view name = last_component(type);
  if (name != "NoGradGuard" && name != "InferenceMode" && name != "AutoGradMode") return false;
  // The first constructor argument, when the declarator has one: `guard(false)` / `guard{false}`.
  for (TSNode declarator : declarators_of(declaration)) {
    TSNode argument{};
    if (kind_of(declarator) == k.init_declarator) {
      TSNode value = field_child(declarator, "value");
      if (kind_of(value) == k.argument_list || kind_of(value) == k.initializer_list) argument = ts_node_named_child(value, 0);
    }
    const bool is_false = kind_of(argument) == k.false_;
    if (name == "AutoGradMode") return is_false;
    if (name == "InferenceMode") return !is_false;
    return true;
  }
  return false;
}

}  // namespace torchlint
