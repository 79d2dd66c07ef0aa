#include "linter/semantic/python_calls.h"

#include "linter/parse/kinds.h"
#include "linter/parse/walk.h"
#include "linter/semantic/python_model.h"

namespace torchlint {
namespace {

constexpr std::string_view kDistributed = "torch.distributed";

bool is_keyword_name(TSNode identifier, TSNode parent, const PyKinds& k, const KindTable& kinds) {
  const KindId kind = kinds.of(parent);
  if (kind == k.keyword_argument) return ts_node_eq(field_child(parent, "name"), identifier);
  return false;
}

// An import statement that imports torch.distributed or something under it.
bool imports_distributed(TSNode statement, const PythonModel& model) {
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  TSNode module = field_child(statement, "module_name");
  if (!ts_node_is_null(module)) return is_under(model.text(module), kDistributed);
  const std::uint32_t count = ts_node_named_child_count(statement);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(statement, i);
    if (kinds.of(child) == k.aliased_import) child = field_child(child, "name");
    if (kinds.of(child) == k.dotted_name && is_under(model.text(child), kDistributed)) return true;
  }
  return false;
}

}  // namespace

bool is_under(std::string_view qualified, std::string_view package) {
  return qualified.starts_with(package) && (qualified.size() == package.size() || qualified[package.size()] == '.');
}

const ClassInfo* owning_class(const FunctionInfo& function) {
  for (const FunctionInfo* f = &function; f != nullptr; f = f->parent) {
    if (f->cls != nullptr) return f->cls;
  }
  return nullptr;
}

PythonCallGraph::PythonCallGraph(const PythonModel& model, TSNode root) : model_(model) {
  const PyKinds& k = py_kinds();
  const KindTable& kinds = kind_table(Language::Python);
  std::vector<FunctionCallFacts*> stack;  // facts of every function around the current node
  std::vector<TSNode> parents;
  auto for_all = [&](auto&& update) {
    for (FunctionCallFacts* facts : stack) update(*facts);
  };
  walk_tree(
      root,
      [&](TSNode node) {
        const KindId kind = kinds.of(node);
        const TSNode parent = parents.empty() ? TSNode{} : parents.back();
        parents.push_back(node);
        if (kind == k.function_definition) {
          if (const FunctionInfo* info = model.function(node)) stack.push_back(&facts_[info]);
          return true;
        }
        if (stack.empty()) return true;
        if (kind == k.call) {
          TSNode callee = field_child(node, "function");
          if (kinds.of(callee) == k.identifier) {
            const std::string_view name = model.text(callee);
            for_all([&](FunctionCallFacts& facts) { facts.called_names.insert(name); });
          } else if (kinds.of(callee) == k.attribute) {
            TSNode object = field_child(callee, "object");
            if (kinds.of(object) == k.identifier && model.text(object) == "self") {
              const std::string_view name = model.text(field_child(callee, "attribute"));
              for_all([&](FunctionCallFacts& facts) { facts.self_method_calls.insert(name); });
            }
          }
        } else if (kind == k.import_statement || kind == k.import_from_statement) {
          if (imports_distributed(node, model)) for_all([](FunctionCallFacts& facts) { facts.refers_to_distributed = true; });
          return false;
        } else if (kind == k.attribute) {
          auto qualified = model.qualified_name(node);
          if (qualified && is_under(*qualified, kDistributed)) {
            for_all([](FunctionCallFacts& facts) { facts.refers_to_distributed = true; });
          }
        } else if (kind == k.identifier && !ts_node_is_null(parent)) {
          // A name used on its own (not an attribute's name, not a keyword argument's name).
          const bool attribute_name = kinds.of(parent) == k.attribute && !ts_node_eq(field_child(parent, "object"), node);
          if (!attribute_name && !is_keyword_name(node, parent, k, kinds)) {
            auto qualified = model.qualified_name(node);
            if (qualified && is_under(*qualified, kDistributed)) {
              for_all([](FunctionCallFacts& facts) { facts.refers_to_distributed = true; });
            }
          }
        }
        return true;
      },
      [&](TSNode node) {
        parents.pop_back();
        if (kinds.of(node) == k.function_definition && model.function(node) != nullptr && !stack.empty()) {
          stack.pop_back();
        }
      });
}

const FunctionCallFacts& PythonCallGraph::facts(const FunctionInfo& function) const {
  static const FunctionCallFacts kNone;
  auto it = facts_.find(&function);
  return it == facts_.end() ? kNone : it->second;
}

bool PythonCallGraph::calls(const FunctionInfo& caller, const FunctionInfo& callee) const {
  const FunctionCallFacts& facts = this->facts(caller);
  if (callee.cls == nullptr) return facts.called_names.contains(callee.name);
  return owning_class(caller) == callee.cls && facts.self_method_calls.contains(callee.name);
}

std::vector<const FunctionInfo*> PythonCallGraph::callees(const FunctionInfo& function) const {
  std::vector<const FunctionInfo*> result;
  for (const FunctionInfo& other : model_.functions()) {
    if (&other != &function && calls(function, other)) result.push_back(&other);
  }
  return result;
}

std::vector<const FunctionInfo*> PythonCallGraph::callers(const FunctionInfo& function) const {
  std::vector<const FunctionInfo*> result;
  for (const FunctionInfo& other : model_.functions()) {
    if (&other != &function && calls(other, function)) result.push_back(&other);
  }
  return result;
}

}  // namespace torchlint
