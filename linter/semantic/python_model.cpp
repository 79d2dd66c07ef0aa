#include "linter/semantic/python_model.h"

#include <array>
#include <cstring>
#include <unordered_map>

#include "linter/parse/kinds.h"
#include "linter/parse/parser.h"
#include "linter/parse/walk.h"
#include "linter/semantic/python_signature.h"

namespace torchlint {
namespace {

constexpr std::size_t kModuleScope = static_cast<std::size_t>(-1);

// Names that, unbound in the file, mean the conventional module (catalog conventions).
std::optional<std::string_view> conventional_module(std::string_view name) {
  if (name == "torch") return "torch";
  if (name == "nn") return "torch.nn";
  if (name == "F") return "torch.nn.functional";
  if (name == "dist") return "torch.distributed";
  return std::nullopt;
}

bool starts_with_any(std::string_view text, std::initializer_list<std::string_view> prefixes) {
  for (auto prefix : prefixes) {
    if (text.starts_with(prefix)) return true;
  }
  return false;
}

}  // namespace

PythonModel::PythonModel(const TSTree* tree, std::string_view source) : source_(source) {
  collect(ts_tree_root_node(tree));
  resolve_classes();
  resolve_tensor_names();
}

std::string_view PythonModel::text(TSNode node) const { return node_text(node, source_); }

void PythonModel::add_bound_targets(TSNode target) {
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  // An explicit stack, not recursion: targets nest as deep as the source does
  // (`((((a)))) = ...` 100,000 levels deep must not overflow the stack).
  std::vector<TSNode> pending{target};
  while (!pending.empty()) {
    const TSNode node = pending.back();
    pending.pop_back();
    if (ts_node_is_null(node)) continue;
    const KindId kind = kinds.of(node);
    if (kind == k.identifier) {
      bound_.insert(text(node));
    } else if (kind == k.pattern_list || kind == k.tuple_pattern || kind == k.list_pattern || kind == k.tuple ||
               kind == k.list || kind == k.list_splat_pattern || kind == k.parenthesized_expression ||
               kind == k.expression_list || kind == k.as_pattern_target) {
      for_each_named_child(node, [&](TSNode child) { pending.push_back(child); });
    }
  }
}

void PythonModel::add_import(TSNode statement) {
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  const KindId kind = kinds.of(statement);
  const std::uint32_t count = ts_node_named_child_count(statement);
  if (kind == k.import_statement) {
    for (std::uint32_t i = 0; i < count; ++i) {
      TSNode child = ts_node_named_child(statement, i);
      if (kinds.of(child) == k.aliased_import) {
        TSNode alias = field_child(child, "alias");
        std::string qualified(text(field_child(child, "name")));
        imports_[std::string(text(alias))] = ImportBinding{qualified, "", false, statement};
        bound_.insert(text(alias));
      } else if (kinds.of(child) == k.dotted_name) {
        const std::string_view dotted = text(child);
        const std::string_view top = dotted.substr(0, dotted.find('.'));
        imports_[std::string(top)] = ImportBinding{std::string(top), "", false, statement};
        bound_.insert(top);
      }
    }
    return;
  }
  // import_from_statement
  TSNode module_node = field_child(statement, "module_name");
  if (ts_node_is_null(module_node)) return;
  std::string module(text(module_node));
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(statement, i);
    if (ts_node_eq(child, module_node)) continue;
    TSNode name_node = child;
    TSNode alias_node = child;
    if (kinds.of(child) == k.aliased_import) {
      name_node = field_child(child, "name");
      alias_node = field_child(child, "alias");
    } else if (kinds.of(child) != k.dotted_name) {
      continue;  // wildcard import, comments
    }
    const std::string_view name = text(name_node);
    std::string qualified = module;
    if (!module.ends_with('.')) qualified += '.';
    qualified += name;
    const std::string_view local = text(alias_node);
    imports_[std::string(local)] = ImportBinding{qualified, module, true, statement};
    bound_.insert(local);
  }
}

void PythonModel::collect(TSNode root) {
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  std::vector<std::size_t> function_stack;
  std::vector<std::size_t> class_stack;
  // Which stack entry a def/class node pushed, so leave() pops exactly those.
  std::vector<std::uint32_t> scope_nodes;

  auto current_function = [&]() { return function_stack.empty() ? kModuleScope : function_stack.back(); };

  walk_tree(
      root,
      [&](TSNode node) {
        const KindId kind = kinds.of(node);
        if (kind == k.import_statement || kind == k.import_from_statement) {
          add_import(node);
          return false;
        }
        if (kind == k.function_definition) {
          FunctionInfo info;
          info.node = node;
          info.definition = node;
          info.name = text(field_child(node, "name"));
          bound_.insert(info.name);
          TSNode parent = parent_node(node);
          if (!ts_node_is_null(parent) && kinds.of(parent) == k.decorated_definition) {
            info.definition = parent;
            const std::uint32_t count = ts_node_named_child_count(parent);
            for (std::uint32_t i = 0; i < count; ++i) {
              TSNode child = ts_node_named_child(parent, i);
              if (kinds.of(child) == k.decorator) info.decorators.push_back(child);
            }
          }
          info.is_async = ts_node_child_count(node) > 0 && std::strcmp(ts_node_type(ts_node_child(node, 0)), "async") == 0;
          // Directly in a class body: the def's (decorated) definition sits in the class's block.
          TSNode holder = parent_node(info.definition);
          if (!class_stack.empty() && !ts_node_is_null(holder)) {
            TSNode class_node = parent_node(holder);
            if (!ts_node_is_null(class_node) && ts_node_eq(class_node, classes_[class_stack.back()].node)) {
              info.cls = &classes_[class_stack.back()];
            }
          }
          if (!function_stack.empty()) info.parent = &functions_[function_stack.back()];
          function_by_start_[ts_node_start_byte(node)] = functions_.size();
          functions_.push_back(std::move(info));
          function_stack.push_back(functions_.size() - 1);
          scope_nodes.push_back(ts_node_start_byte(node));
          return true;
        }
        if (kind == k.class_definition) {
          ClassInfo info;
          info.node = node;
          info.name = text(field_child(node, "name"));
          bound_.insert(info.name);
          if (!class_stack.empty()) info.parent_class = &classes_[class_stack.back()];
          class_by_start_[ts_node_start_byte(node)] = classes_.size();
          classes_.push_back(std::move(info));
          class_stack.push_back(classes_.size() - 1);
          return true;
        }
        if (kind == k.assignment) {
          add_bound_targets(field_child(node, "left"));
          assignments_.emplace_back(current_function(), node);
        } else if (kind == k.augmented_assignment) {
          add_bound_targets(field_child(node, "left"));
        } else if (kind == k.for_statement || kind == k.for_in_clause) {
          add_bound_targets(field_child(node, "left"));
        } else if (kind == k.as_pattern) {
          TSNode alias = field_child(node, "alias");
          if (!ts_node_is_null(alias)) add_bound_targets(alias);
        } else if (kind == k.named_expression) {
          add_bound_targets(field_child(node, "name"));
        } else if (kind == k.global_statement || kind == k.nonlocal_statement) {
          const std::uint32_t count = ts_node_named_child_count(node);
          for (std::uint32_t i = 0; i < count; ++i) add_bound_targets(ts_node_named_child(node, i));
        } else if (kind == k.parameters || kind == k.lambda_parameters) {
          const std::uint32_t count = ts_node_named_child_count(node);
          for (std::uint32_t i = 0; i < count; ++i) {
            TSNode parameter = ts_node_named_child(node, i);
            const KindId pk = kinds.of(parameter);
            if (pk == k.identifier) {
              bound_.insert(text(parameter));
            } else if (pk == k.default_parameter || pk == k.typed_default_parameter) {
              bound_.insert(text(field_child(parameter, "name")));
            } else if (pk == k.typed_parameter || pk == k.list_splat_pattern || pk == k.dictionary_splat_pattern) {
              TSNode first = ts_node_named_child(parameter, 0);
              if (kinds.of(first) == k.identifier) bound_.insert(text(first));
              else if (!ts_node_is_null(first) && ts_node_named_child_count(first) > 0)
                bound_.insert(text(ts_node_named_child(first, 0)));
            }
          }
        }
        return true;
      },
      [&](TSNode node) {
        const KindId kind = kinds.of(node);
        if (kind == k.function_definition && !function_stack.empty() &&
            ts_node_start_byte(functions_[function_stack.back()].node) == ts_node_start_byte(node)) {
          function_stack.pop_back();
        } else if (kind == k.class_definition && !class_stack.empty() &&
                   ts_node_start_byte(classes_[class_stack.back()].node) == ts_node_start_byte(node)) {
          class_stack.pop_back();
        }
      });
  for (auto& info : functions_) finish_function(info);
}

void PythonModel::finish_function(FunctionInfo& info) {
  for (TSNode decorator : info.decorators) {
    TSNode expression = ts_node_named_child(decorator, 0);
    TSNode callee = expression;
    if (!ts_node_is_null(expression) && kind_table(Language::Python).of(expression) == py_kinds().call) {
      callee = field_child(expression, "function");
    }
    auto qualified = qualified_name(callee);
    std::string name = qualified ? *qualified : std::string(text(callee));
    if (name == "staticmethod") info.is_staticmethod = true;
    if (is_no_grad_context(expression)) info.no_grad_decorated = true;
    info.decorator_names.push_back(std::move(name));
  }
  info.parameters = compute_signature_parameters(*this, info);  // after is_staticmethod
}

std::optional<std::string> PythonModel::qualified_name(TSNode expression) const {
  if (ts_node_is_null(expression)) return std::nullopt;
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  // Walk down the attribute chain to its root, remembering the attribute names.
  std::array<std::string_view, 16> parts{};
  std::size_t depth = 0;
  TSNode node = expression;
  while (kinds.of(node) == k.attribute) {
    if (depth == parts.size()) return std::nullopt;
    parts[depth++] = text(field_child(node, "attribute"));
    node = field_child(node, "object");
    if (ts_node_is_null(node)) return std::nullopt;
  }
  if (kinds.of(node) != k.identifier) return std::nullopt;
  const std::string_view root = text(node);
  std::string result;
  if (auto it = imports_.find(std::string(root)); it != imports_.end()) {
    result = it->second.qualified;
  } else if (auto conventional = conventional_module(root); conventional && !bound_.contains(root)) {
    result = *conventional;
  } else {
    return std::nullopt;
  }
  for (std::size_t i = depth; i > 0; --i) {
    result += '.';
    result += parts[i - 1];
  }
  return result;
}

std::optional<std::string> PythonModel::callee_name(TSNode call) const {
  return qualified_name(field_child(call, "function"));
}

const FunctionInfo* PythonModel::function(TSNode function_definition) const {
  auto it = function_by_start_.find(ts_node_start_byte(function_definition));
  return it == function_by_start_.end() ? nullptr : &functions_[it->second];
}

const ClassInfo* PythonModel::class_info(TSNode class_definition) const {
  auto it = class_by_start_.find(ts_node_start_byte(class_definition));
  return it == class_by_start_.end() ? nullptr : &classes_[it->second];
}

bool PythonModel::returns_tensor(std::string_view qualified) {
  for (std::string_view package : {"torch.nn.functional.", "torch.linalg.", "torch.fft.", "torch.special."}) {
    if (qualified.starts_with(package)) {
      return qualified.substr(package.size()).find('.') == std::string_view::npos;
    }
  }
  if (!qualified.starts_with("torch.")) return false;
  const std::string_view name = qualified.substr(6);
  if (name.empty() || name.find('.') != std::string_view::npos) return false;
  static constexpr std::array<std::string_view, 16> kNotTensor = {
      "device", "dtype", "Generator", "Size", "finfo", "iinfo", "allclose", "equal",
      "numel", "manual_seed", "no_grad", "inference_mode", "set_grad_enabled", "compile", "load", "save"};
  for (auto excluded : kNotTensor) {
    if (name == excluded) return false;
  }
  return !starts_with_any(name, {"is_", "get_", "set_"});
}

bool PythonModel::is_tensor_annotation(TSNode annotation) const {
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  // Every accepted wrapper holds exactly one inner annotation (`X | None`, `Optional[X]`,
  // `Float[X, "..."]`), so a loop follows the chain instead of recursing: a 100,000-deep
  // `Optional[Optional[...]]` must not overflow the stack.
  TSNode node = annotation;
  while (!ts_node_is_null(node)) {
    while (kinds.of(node) == k.type || kinds.of(node) == k.parenthesized_expression) {
      if (ts_node_named_child_count(node) == 0) return false;
      node = ts_node_named_child(node, 0);
    }
    const KindId kind = kinds.of(node);
    if (kind == k.identifier || kind == k.attribute) {
      auto qualified = qualified_name(node);
      return qualified && *qualified == "torch.Tensor";
    }
    if (kind == k.binary_operator) {  // torch.Tensor | None
      TSNode left = field_child(node, "left");
      TSNode right = field_child(node, "right");
      if (ts_node_is_null(left) || ts_node_is_null(right)) return false;
      if (kinds.of(right) == k.none) node = left;
      else if (kinds.of(left) == k.none) node = right;
      else return false;
      continue;
    }
    if (kind == k.union_type) {
      if (ts_node_named_child_count(node) != 2) return false;
      TSNode left = ts_node_named_child(node, 0);
      TSNode right = ts_node_named_child(node, 1);
      if (text(right) == "None") node = left;
      else if (text(left) == "None") node = right;
      else return false;
      continue;
    }
    if (kind == k.subscript || kind == k.generic_type) {
      TSNode value = kind == k.subscript ? field_child(node, "value") : ts_node_named_child(node, 0);
      if (ts_node_is_null(value)) return false;
      std::string name;
      if (auto qualified = qualified_name(value)) name = *qualified;
      else name = std::string(text(value));
      // First element of the subscript.
      TSNode first{};
      if (kind == k.subscript) {
        first = field_child(node, "subscript");
      } else {
        TSNode parameters = ts_node_named_child(node, 1);
        if (!ts_node_is_null(parameters)) first = ts_node_named_child(parameters, 0);
      }
      const bool optional = name == "typing.Optional" || name == "Optional" || name == "typing_extensions.Optional";
      if (!optional && !name.starts_with("jaxtyping.")) return false;
      node = first;
      continue;
    }
    return false;
  }
  return false;
}

bool PythonModel::is_tensor_name(const FunctionInfo* scope, std::string_view name) const {
  return scope ? scope->tensor_names.contains(name) : module_tensors_.contains(name);
}

void PythonModel::record_tensor_targets(TSNode left, std::unordered_set<std::string_view>& names) const {
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  std::vector<TSNode> pending{left};  // explicit stack: targets nest arbitrarily deep
  while (!pending.empty()) {
    const TSNode node = pending.back();
    pending.pop_back();
    if (ts_node_is_null(node)) continue;
    const KindId kind = kinds.of(node);
    if (kind == k.identifier) {
      names.insert(text(node));
    } else if (kind == k.pattern_list || kind == k.tuple_pattern || kind == k.list_pattern ||
               kind == k.parenthesized_expression || kind == k.tuple || kind == k.list) {
      for_each_named_child(node, [&](TSNode child) { pending.push_back(child); });
    }
  }
}

void PythonModel::resolve_tensor_names() {
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  // Parameters annotated as tensors.
  for (auto& info : functions_) {
    for_each_named_child(field_child(info.node, "parameters"), [&](TSNode parameter) {
      const KindId pk = kinds.of(parameter);
      if (pk != k.typed_parameter && pk != k.typed_default_parameter) return;
      TSNode type = field_child(parameter, "type");
      if (!is_tensor_annotation(type)) return;
      TSNode name = pk == k.typed_default_parameter ? field_child(parameter, "name") : ts_node_named_child(parameter, 0);
      if (!ts_node_is_null(name) && kinds.of(name) == k.identifier) info.tensor_names.insert(text(name));
    });
  }
  // Assignments from tensor-returning torch calls, and annotated tensor assignments.
  // `a = b = value` nests the second assignment as the first's right side; every target of
  // the chain gets the innermost value. Inner assignments come later in pre-order, so going
  // backwards finds each one's value already known: linear over a 100,000-long chain.
  std::unordered_map<const void*, TSNode> chain_value;
  for (auto it = assignments_.rbegin(); it != assignments_.rend(); ++it) {
    const auto& [scope, assignment] = *it;
    auto& names = scope == kModuleScope ? module_tensors_ : functions_[scope].tensor_names;
    TSNode left = field_child(assignment, "left");
    TSNode type = field_child(assignment, "type");
    if (!ts_node_is_null(type) && is_tensor_annotation(type) && kinds.of(left) == k.identifier) {
      names.insert(text(left));
    }
    TSNode right = field_child(assignment, "right");
    if (!ts_node_is_null(right) && kinds.of(right) == k.assignment) {
      auto known = chain_value.find(right.id);
      right = known != chain_value.end() ? known->second : TSNode{};
    }
    chain_value[assignment.id] = right;
    if (ts_node_is_null(right) || kinds.of(right) != k.call) continue;
    auto callee = callee_name(right);
    if (callee && returns_tensor(*callee)) record_tensor_targets(left, names);
  }
}

void PythonModel::resolve_classes() {
  const KindTable& kinds = kind_table(Language::Python);
  const PyKinds& k = py_kinds();
  for (auto& info : classes_) {
    TSNode superclasses = field_child(info.node, "superclasses");
    if (ts_node_is_null(superclasses)) continue;
    const std::uint32_t count = ts_node_named_child_count(superclasses);
    for (std::uint32_t i = 0; i < count; ++i) {
      TSNode base = ts_node_named_child(superclasses, i);
      if (kinds.of(base) == k.keyword_argument || kinds.of(base) == k.comment) continue;
      if (kinds.of(base) == k.subscript) base = field_child(base, "value");
      auto qualified = qualified_name(base);
      info.bases.push_back(qualified ? *qualified : std::string(text(base)));
    }
  }
  auto is_framework_module = [](const std::string& base) {
    return base.starts_with("torch.nn.") || base == "lightning.LightningModule" ||
           base == "pytorch_lightning.LightningModule" || base == "lightning.pytorch.LightningModule" ||
           base == "pytorch_lightning.core.LightningModule" || base == "lightning.pytorch.core.LightningModule";
  };
  // Local subclass chains: iterate to a fixed point over classes named in this file.
  for (bool changed = true; changed;) {
    changed = false;
    for (auto& info : classes_) {
      if (info.is_module) continue;
      for (const auto& base : info.bases) {
        bool module_base = is_framework_module(base);
        for (const auto& other : classes_) {
          if (other.is_module && other.name == base) module_base = true;
        }
        if (module_base) {
          info.is_module = true;
          changed = true;
          break;
        }
      }
    }
  }
  for (auto& function : functions_) {
    function.is_forward = function.name == "forward" && function.cls != nullptr && function.cls->is_module;
  }
}

bool PythonModel::is_no_grad_context(TSNode expression) const {
  if (ts_node_is_null(expression)) return false;
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  TSNode callee = expression;
  TSNode arguments{};
  if (kinds.of(expression) == k.call) {
    callee = field_child(expression, "function");
    arguments = field_child(expression, "arguments");
  }
  auto qualified = qualified_name(callee);
  if (!qualified) return false;
  const std::string& name = *qualified;
  auto first_argument_is = [&](std::string_view literal) {
    if (ts_node_is_null(arguments) || ts_node_named_child_count(arguments) == 0) return false;
    TSNode first = ts_node_named_child(arguments, 0);
    if (kinds.of(first) == k.keyword_argument) first = field_child(first, "value");
    return text(first) == literal;
  };
  if (name == "torch.no_grad" || name == "torch.autograd.no_grad" || name == "torch.autograd.grad_mode.no_grad") {
    return true;
  }
  if (name == "torch.inference_mode" || name == "torch.autograd.inference_mode" ||
      name == "torch.autograd.grad_mode.inference_mode") {
    return !first_argument_is("False");
  }
  if (name == "torch.set_grad_enabled" || name == "torch.autograd.set_grad_enabled" ||
      name == "torch.autograd.grad_mode.set_grad_enabled") {
    return kinds.of(expression) == k.call && first_argument_is("False");
  }
  return false;
}

std::optional<TSNode> PythonModel::docstring(TSNode definition) const {
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  TSNode body = kinds.of(definition) == k.module ? definition : field_child(definition, "body");
  if (ts_node_is_null(body)) return std::nullopt;
  const std::uint32_t count = ts_node_named_child_count(body);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode statement = ts_node_named_child(body, i);
    if (kinds.of(statement) == k.comment) continue;
    if (kinds.of(statement) != k.expression_statement || ts_node_named_child_count(statement) != 1) return std::nullopt;
    TSNode value = ts_node_named_child(statement, 0);
    if (kinds.of(value) == k.string || kinds.of(value) == k.concatenated_string) return value;
    return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace torchlint
