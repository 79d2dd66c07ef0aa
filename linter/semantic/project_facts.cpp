#include "linter/semantic/project_facts.h"

#include <algorithm>
#include <map>
#include <optional>

#include "linter/parse/kinds.h"
#include "linter/parse/parser.h"
#include "linter/parse/walk.h"
#include "linter/semantic/python_model.h"
#include "linter/semantic/testing.h"

namespace torchlint {
namespace {

const KindTable& kinds() { return kind_table(Language::Python); }

// Module-level `NAME = value` bindings, for dtype lists named once and reused.
using ModuleValues = std::map<std::string, TSNode, std::less<>>;

struct Markers {
  bool distributed = false;
  std::optional<std::set<std::string>> dtypes;  // set when some parametrize names `dtype`
};

class FactsBuilder {
 public:
  FactsBuilder(const PythonModel& model, std::string_view source) : model_(model), source_(source) {}

  std::string_view text(TSNode node) const { return node_text(node, source_); }

  // The dotted name of a decorator's callee ("pytest.mark.parametrize"), resolved through imports.
  std::string decorator_name(TSNode expression) const {
    TSNode callee = kinds().of(expression) == py_kinds().call ? field_child(expression, "function") : expression;
    if (auto qualified = model_.qualified_name(callee)) return *qualified;
    return std::string(text(callee));
  }

  static bool is_mark(const std::string& name, std::string_view mark) {
    return name == "pytest.mark." + std::string(mark) || name.ends_with("mark." + std::string(mark));
  }

  // Canonical dtypes of one parametrize value, following pytest.param(...) and tuples.
  void collect_value_dtypes(TSNode value, std::size_t index, std::size_t arity, std::set<std::string>& out) const {
    const PyKinds& k = py_kinds();
    if (kinds().of(value) == k.call && decorator_name(value).ends_with("param")) {
      TSNode arguments = field_child(value, "arguments");
      std::vector<TSNode> positional;
      for (std::uint32_t i = 0; i < ts_node_named_child_count(arguments); ++i) {
        TSNode argument = ts_node_named_child(arguments, i);
        if (kinds().of(argument) != k.keyword_argument && kinds().of(argument) != k.comment) positional.push_back(argument);
      }
      if (index < positional.size()) collect_value_dtypes(positional[index], 0, 1, out);
      return;
    }
    if (arity > 1 && (kinds().of(value) == k.tuple || kinds().of(value) == k.list ||
                      kinds().of(value) == k.parenthesized_expression)) {
      std::vector<TSNode> items = named_items(value);
      if (index < items.size()) collect_value_dtypes(items[index], 0, 1, out);
      return;
    }
    if (auto qualified = model_.qualified_name(value)) {
      std::string dtype = canonical_dtype(*qualified);
      if (!dtype.empty()) out.insert(dtype);
    }
  }

  std::vector<TSNode> named_items(TSNode node) const {
    std::vector<TSNode> items;
    for (std::uint32_t i = 0; i < ts_node_named_child_count(node); ++i) {
      TSNode child = ts_node_named_child(node, i);
      if (kinds().of(child) != py_kinds().comment) items.push_back(child);
    }
    return items;
  }

  // The values list of a parametrize, resolving a module-level name once.
  std::vector<TSNode> values_of(TSNode node, const ModuleValues& module_values) const {
    const PyKinds& k = py_kinds();
    if (kinds().of(node) == k.identifier) {
      auto it = module_values.find(text(node));
      if (it == module_values.end()) return {};
      node = it->second;
    }
    if (kinds().of(node) == k.list || kinds().of(node) == k.tuple || kinds().of(node) == k.set) return named_items(node);
    return {};
  }

  // Argument names of a parametrize: "dtype, device" or ["dtype", "device"].
  std::vector<std::string> argument_names(TSNode node) const {
    std::vector<std::string> names;
    const PyKinds& k = py_kinds();
    auto split = [&](std::string_view literal) {
      // Strip quotes/prefixes: take what is between the first and last quote.
      const auto first = literal.find_first_of("'\"");
      const auto last = literal.find_last_of("'\"");
      if (first == std::string_view::npos || last <= first) return;
      std::string_view inner = literal.substr(first + 1, last - first - 1);
      while (!inner.empty() && (inner.front() == '"' || inner.front() == '\'')) inner.remove_prefix(1);
      while (!inner.empty() && (inner.back() == '"' || inner.back() == '\'')) inner.remove_suffix(1);
      std::size_t start = 0;
      while (start <= inner.size()) {
        std::size_t end = std::min(inner.find(',', start), inner.size());
        std::string name(inner.substr(start, end - start));
        name.erase(0, name.find_first_not_of(" \t"));
        name.erase(name.find_last_not_of(" \t") + 1);
        names.push_back(name);
        start = end + 1;
      }
    };
    if (kinds().of(node) == k.string) {
      split(text(node));
    } else if (kinds().of(node) == k.list || kinds().of(node) == k.tuple) {
      for (TSNode item : named_items(node)) {
        if (kinds().of(item) == k.string) split(text(item));
      }
    }
    return names;
  }

  void apply_decorator(TSNode decorator, const ModuleValues& module_values, Markers& markers) const {
    TSNode expression = ts_node_named_child(decorator, 0);
    apply_mark(expression, module_values, markers);
  }

  void apply_mark(TSNode expression, const ModuleValues& module_values, Markers& markers) const {
    if (ts_node_is_null(expression)) return;
    const std::string name = decorator_name(expression);
    if (is_mark(name, "distributed")) {
      markers.distributed = true;
      return;
    }
    if (!is_mark(name, "parametrize") || kinds().of(expression) != py_kinds().call) return;
    TSNode arguments = field_child(expression, "arguments");
    TSNode names_node{}, values_node{};
    std::size_t positional = 0;
    for (TSNode argument : named_items(arguments)) {
      if (kinds().of(argument) == py_kinds().keyword_argument) {
        const std::string_view key = text(field_child(argument, "name"));
        if (key == "argnames") names_node = field_child(argument, "value");
        if (key == "argvalues") values_node = field_child(argument, "value");
        continue;
      }
      if (positional == 0) names_node = argument;
      if (positional == 1) values_node = argument;
      ++positional;
    }
    if (ts_node_is_null(names_node) || ts_node_is_null(values_node)) return;
    const std::vector<std::string> names = argument_names(names_node);
    const auto it = std::find(names.begin(), names.end(), "dtype");
    if (it == names.end()) return;
    const std::size_t index = static_cast<std::size_t>(it - names.begin());
    if (!markers.dtypes) markers.dtypes.emplace();
    for (TSNode value : values_of(values_node, module_values)) {
      collect_value_dtypes(value, index, names.size(), *markers.dtypes);
    }
  }

  // `pytestmark = mark` or `pytestmark = [mark, ...]`.
  void apply_module_marks(TSNode value, const ModuleValues& module_values, Markers& markers) const {
    const PyKinds& k = py_kinds();
    if (kinds().of(value) == k.list || kinds().of(value) == k.tuple) {
      for (TSNode item : named_items(value)) apply_mark(item, module_values, markers);
    } else {
      apply_mark(value, module_values, markers);
    }
  }

  void scan_body(TSNode function, TestFunction& test) const {
    const PyKinds& k = py_kinds();
    // Attribute names that resolve under torch (`F.smooth_l1_loss`) do not refer to a project loss.
    std::set<std::uint32_t> torch_attribute_names;
    walk_tree(
        field_child(function, "body"),
        [&](TSNode node) {
          const KindId kind = kinds().of(node);
          if (kind == k.identifier) {
            if (!torch_attribute_names.contains(ts_node_start_byte(node))) test.referenced.emplace(text(node));
            if (auto qualified = model_.qualified_name(node)) note_qualified(*qualified, test);
          } else if (kind == k.attribute) {
            if (auto qualified = model_.qualified_name(node)) {
              note_qualified(*qualified, test);
              if (*qualified == "torch" || qualified->starts_with("torch.")) {
                torch_attribute_names.insert(ts_node_start_byte(field_child(node, "attribute")));
              }
            }
          } else if (kind == k.call) {
            note_backward(node, test);
          }
          return true;
        },
        [](TSNode) {});
  }

  void note_backward(TSNode call, TestFunction& test) const {
    TSNode callee = field_child(call, "function");
    if (kinds().of(callee) == py_kinds().attribute && text(field_child(callee, "attribute")) == "backward") {
      test.calls_backward = true;
    }
    if (auto qualified = model_.qualified_name(callee)) {
      if (*qualified == "torch.autograd.grad" || qualified->starts_with("torch.autograd.gradcheck") ||
          *qualified == "torch.autograd.backward") {
        test.calls_backward = true;
      }
    }
  }

  static void note_qualified(const std::string& qualified, TestFunction& test) {
    if (qualified.starts_with("torch.distributed") || qualified.starts_with("torch.multiprocessing")) {
      test.distributed = true;
    }
  }

 private:
  const PythonModel& model_;
  std::string_view source_;
};

std::vector<TSNode> decorators_of(TSNode definition) {
  std::vector<TSNode> result;
  if (kinds().of(definition) != py_kinds().decorated_definition) return result;
  for (std::uint32_t i = 0; i < ts_node_named_child_count(definition); ++i) {
    TSNode child = ts_node_named_child(definition, i);
    if (kinds().of(child) == py_kinds().decorator) result.push_back(child);
  }
  return result;
}

TSNode definition_of(TSNode statement) {
  return kinds().of(statement) == py_kinds().decorated_definition ? field_child(statement, "definition") : statement;
}

}  // namespace

std::string canonical_dtype(std::string_view qualified) {
  static const std::map<std::string_view, std::string_view> kAliases = {
      {"torch.float32", "torch.float32"}, {"torch.float", "torch.float32"},   {"torch.float16", "torch.float16"},
      {"torch.half", "torch.float16"},    {"torch.bfloat16", "torch.bfloat16"}, {"torch.float64", "torch.float64"},
      {"torch.double", "torch.float64"},  {"torch.int64", "torch.int64"},     {"torch.long", "torch.int64"},
      {"torch.int32", "torch.int32"},     {"torch.int", "torch.int32"},       {"torch.int16", "torch.int16"},
      {"torch.short", "torch.int16"},     {"torch.int8", "torch.int8"},       {"torch.uint8", "torch.uint8"},
      {"torch.bool", "torch.bool"},       {"torch.complex64", "torch.complex64"},
      {"torch.cfloat", "torch.complex64"}, {"torch.complex128", "torch.complex128"},
      {"torch.cdouble", "torch.complex128"}, {"torch.float8_e4m3fn", "torch.float8_e4m3fn"},
      {"torch.float8_e5m2", "torch.float8_e5m2"}};
  auto it = kAliases.find(qualified);
  return it == kAliases.end() ? std::string() : std::string(it->second);
}

FileFacts extract_file_facts(const PythonModel& model, TSNode root, std::string_view source, bool is_test_file,
                             const std::string& display_path) {
  FileFacts facts;
  const PyKinds& k = py_kinds();
  FactsBuilder builder(model, source);
  ModuleValues module_values;
  Markers module_markers;
  std::vector<TSNode> statements;
  for (std::uint32_t i = 0; i < ts_node_named_child_count(root); ++i) statements.push_back(ts_node_named_child(root, i));
  for (TSNode statement : statements) {
    if (kinds().of(statement) != k.expression_statement) continue;
    TSNode assignment = ts_node_named_child(statement, 0);
    if (kinds().of(assignment) != k.assignment) continue;
    TSNode left = field_child(assignment, "left");
    TSNode right = field_child(assignment, "right");
    if (kinds().of(left) == k.identifier && !ts_node_is_null(right)) module_values[std::string(builder.text(left))] = right;
  }
  if (is_test_file) {
    if (auto it = module_values.find("pytestmark"); it != module_values.end()) {
      builder.apply_module_marks(it->second, module_values, module_markers);
    }
  }
  auto add_test = [&](TSNode function, const std::string& name, Markers markers) {
    TestFunction test;
    test.file = display_path;
    test.name = name;
    builder.scan_body(function, test);
    test.distributed = test.distributed || markers.distributed;
    if (markers.dtypes) {
      test.dtype_parametrized = true;
      test.dtypes = *markers.dtypes;
    }
    facts.tests.push_back(std::move(test));
  };
  for (TSNode statement : statements) {
    TSNode definition = definition_of(statement);
    const KindId kind = kinds().of(definition);
    if (kind != k.function_definition && kind != k.class_definition) continue;
    const std::string name(builder.text(field_child(definition, "name")));
    if (!is_test_file) {
      const bool is_loss = !name.starts_with('_') && (kind == k.function_definition ? name.find("loss") != std::string::npos
                                                                                     : name.find("Loss") != std::string::npos);
      if (is_loss) {
        TSNode name_node = field_child(definition, "name");
        facts.losses.push_back(
            {name, ts_node_start_byte(name_node), ts_node_end_byte(name_node), kind == k.class_definition, Range{}});
      }
      continue;
    }
    Markers markers = module_markers;
    for (TSNode decorator : decorators_of(statement)) builder.apply_decorator(decorator, module_values, markers);
    if (kind == k.function_definition) {
      if (is_test_function_name(name)) add_test(definition, name, markers);
      continue;
    }
    if (!is_test_class_name(name)) continue;
    TSNode body = field_child(definition, "body");
    for (std::uint32_t i = 0; i < ts_node_named_child_count(body); ++i) {
      TSNode member = ts_node_named_child(body, i);
      TSNode method = definition_of(member);
      if (kinds().of(method) != k.function_definition) continue;
      const std::string method_name(builder.text(field_child(method, "name")));
      if (!is_test_function_name(method_name)) continue;
      Markers method_markers = markers;
      for (TSNode decorator : decorators_of(member)) builder.apply_decorator(decorator, module_values, method_markers);
      add_test(method, name + "." + method_name, method_markers);
    }
  }
  return facts;
}

}  // namespace torchlint
