#include "linter/semantic/python_annotations.h"

#include <cstring>

#include "linter/parse/kinds.h"
#include "linter/parse/walk.h"
#include "linter/semantic/python_model.h"

namespace torchlint {
namespace {

const KindTable& python_kinds() { return kind_table(Language::Python); }

bool is_none(const PythonModel& model, TSNode node) {
  node = unwrap_annotation(node);
  return !ts_node_is_null(node) && (python_kinds().of(node) == py_kinds().none || model.text(node) == "None");
}

bool is_ellipsis(TSNode node) {
  node = unwrap_annotation(node);
  return !ts_node_is_null(node) && std::strcmp(ts_node_type(node), "ellipsis") == 0;
}

bool head_is(const std::string& name, std::initializer_list<std::string_view> names) {
  for (auto candidate : names) {
    if (name == candidate) return true;
  }
  return false;
}

// torch.Tensor itself, spelled any way the imports allow.
bool is_torch_tensor(const PythonModel& model, TSNode node) {
  node = unwrap_annotation(node);
  if (ts_node_is_null(node)) return false;
  const KindId kind = python_kinds().of(node);
  if (kind != py_kinds().identifier && kind != py_kinds().attribute) return false;
  auto qualified = model.qualified_name(node);
  return qualified && *qualified == "torch.Tensor";
}

}  // namespace

TSNode unwrap_annotation(TSNode annotation) {
  const PyKinds& k = py_kinds();
  TSNode node = annotation;
  while (!ts_node_is_null(node) &&
         (python_kinds().of(node) == k.type || python_kinds().of(node) == k.parenthesized_expression)) {
    if (ts_node_named_child_count(node) != 1) return node;
    node = ts_node_named_child(node, 0);
  }
  return node;
}

std::optional<SubscriptedAnnotation> subscripted_annotation(TSNode annotation) {
  const PyKinds& k = py_kinds();
  TSNode node = unwrap_annotation(annotation);
  if (ts_node_is_null(node)) return std::nullopt;
  SubscriptedAnnotation result;
  const KindId kind = python_kinds().of(node);
  if (kind == k.generic_type) {
    result.base = ts_node_named_child(node, 0);
    TSNode parameters = ts_node_named_child(node, 1);
    const std::uint32_t count = ts_node_named_child_count(parameters);
    for (std::uint32_t i = 0; i < count; ++i) {
      TSNode argument = ts_node_named_child(parameters, i);
      if (!ts_node_is_extra(argument)) result.arguments.push_back(argument);
    }
    return result;
  }
  if (kind == k.subscript) {
    result.base = field_child(node, "value");
    const std::uint32_t count = ts_node_child_count(node);
    for (std::uint32_t i = 0; i < count; ++i) {
      const char* field = ts_node_field_name_for_child(node, i);
      if (field != nullptr && std::strcmp(field, "subscript") == 0) result.arguments.push_back(ts_node_child(node, i));
    }
    // `X[(a, b)]` is `X[a, b]`.
    if (result.arguments.size() == 1 && python_kinds().of(result.arguments[0]) == k.tuple) {
      TSNode tuple = result.arguments[0];
      result.arguments.clear();
      const std::uint32_t elements = ts_node_named_child_count(tuple);
      for (std::uint32_t i = 0; i < elements; ++i) result.arguments.push_back(ts_node_named_child(tuple, i));
    }
    return result;
  }
  return std::nullopt;
}

std::string annotation_head_name(const PythonModel& model, TSNode head) {
  if (auto qualified = model.qualified_name(head)) return *qualified;
  return std::string(model.text(head));
}

bool is_fixed_tuple_type(const PythonModel& model, TSNode annotation) {
  auto subscripted = subscripted_annotation(annotation);
  if (!subscripted) return false;
  const std::string head = annotation_head_name(model, subscripted->base);
  if (!head_is(head, {"tuple", "Tuple", "typing.Tuple", "builtins.tuple", "typing_extensions.Tuple"})) return false;
  if (subscripted->arguments.size() < 2) return false;
  for (TSNode argument : subscripted->arguments) {
    if (is_ellipsis(argument)) return false;
  }
  return true;
}

bool is_dict_type(const PythonModel& model, TSNode annotation) {
  auto subscripted = subscripted_annotation(annotation);
  if (!subscripted) return false;
  const std::string head = annotation_head_name(model, subscripted->base);
  return head_is(head, {"dict", "Dict", "typing.Dict", "builtins.dict", "typing_extensions.Dict"});
}

bool is_plain_tensor_annotation(const PythonModel& model, TSNode annotation) {
  const PyKinds& k = py_kinds();
  TSNode node = unwrap_annotation(annotation);
  if (ts_node_is_null(node)) return false;
  if (is_torch_tensor(model, node)) return true;
  const KindId kind = python_kinds().of(node);
  if (kind == k.binary_operator || kind == k.union_type) {  // torch.Tensor | None
    TSNode left = kind == k.binary_operator ? field_child(node, "left") : ts_node_named_child(node, 0);
    TSNode right = kind == k.binary_operator ? field_child(node, "right") : ts_node_named_child(node, 1);
    if (kind == k.binary_operator && model.text(field_child(node, "operator")) != "|") return false;
    return (is_torch_tensor(model, left) && is_none(model, right)) ||
           (is_none(model, left) && is_torch_tensor(model, right));
  }
  auto subscripted = subscripted_annotation(node);
  if (!subscripted) return false;
  const std::string head = annotation_head_name(model, subscripted->base);
  const auto& arguments = subscripted->arguments;
  if (head_is(head, {"Optional", "typing.Optional", "typing_extensions.Optional"})) {
    return arguments.size() == 1 && is_torch_tensor(model, arguments[0]);
  }
  if (head_is(head, {"Union", "typing.Union", "typing_extensions.Union"}) && arguments.size() == 2) {
    return (is_torch_tensor(model, arguments[0]) && is_none(model, arguments[1])) ||
           (is_none(model, arguments[0]) && is_torch_tensor(model, arguments[1]));
  }
  return false;
}

std::string annotation_spelling(const PythonModel& model, TSNode annotation, std::size_t max_length) {
  std::string result;
  bool space = false;
  for (char c : model.text(annotation)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\\') {
      space = true;
      continue;
    }
    // No space right inside brackets: `tuple[\n    int,\n]` reads `tuple[int,]`.
    if (space && !result.empty() && result.back() != '[' && result.back() != '(' && c != ']' && c != ')') result += ' ';
    space = false;
    result += c;
  }
  if (result.size() > max_length) result = result.substr(0, max_length) + "...";
  return result;
}

void for_each_bare_annotation_name(TSNode annotation, const std::function<void(TSNode)>& visit) {
  const PyKinds& k = py_kinds();
  if (ts_node_is_null(annotation)) return;
  walk_tree(
      annotation,
      [&](TSNode node) {
        const KindId kind = python_kinds().of(node);
        if (kind == k.string || kind == k.concatenated_string || kind == k.call || kind == k.keyword_argument ||
            kind == k.lambda) {
          return false;
        }
        if (kind == k.attribute) {
          // Neither a dotted name's first name nor its attribute names are bare; only an
          // object that is itself a compound expression (`a[b].c`) can hold bare names.
          TSNode root = node;
          while (!ts_node_is_null(root) && python_kinds().of(root) == k.attribute) root = field_child(root, "object");
          if (!ts_node_is_null(root) && python_kinds().of(root) != k.identifier) {
            for_each_bare_annotation_name(root, visit);
          }
          return false;
        }
        if (std::strcmp(ts_node_type(node), "member_type") == 0) return false;  // `a.b` in type syntax: dotted
        if (kind == k.identifier) visit(node);
        return true;
      },
      [](TSNode) {});
}

}  // namespace torchlint
