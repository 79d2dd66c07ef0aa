// The C++ semantic model: qualified names, module classes and forwards, tensor locals, guards.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/parser.h"
#include "linter/parse/walk.h"
#include "linter/semantic/cpp_model.h"

namespace torchlint {
namespace {

struct Parsed {
  explicit Parsed(std::string source) : text(std::move(source)), tree(parse(Language::Cpp, text)), model(tree.get(), text) {}
  std::string text;
  Tree tree;
  CppModel model;

  // Calls `visit(node, ancestors)` for every node of `kind`, in source order.
  template <class Visit>
  void each(KindId kind, Visit&& visit) const {
    std::vector<TSNode> ancestors;
    walk_tree(
        ts_tree_root_node(tree.get()),
        [&](TSNode node) {
          if (kind_table(Language::Cpp).of(node) == kind) visit(node, ancestors);
          ancestors.push_back(node);
          return true;
        },
        [&](TSNode) { ancestors.pop_back(); });
  }

  std::vector<std::string> callees() const {
    std::vector<std::string> names;
    each(cpp_kinds().call_expression, [&](TSNode call, const std::vector<TSNode>& ancestors) {
      names.push_back(model.qualified_name(ts_node_child_by_field_name(call, "function", 8), ancestors));
    });
    return names;
  }
};

using Names = std::vector<std::string>;

TEST(CppQualifiedNames, AliasesUsingAndNamespaces) {
  EXPECT_EQ(Parsed("void f() { torch::zeros({2}); ::at::ones({2}); }").callees(), (Names{"torch::zeros", "at::ones"}));
  EXPECT_EQ(Parsed("namespace F = torch::nn::functional;\nvoid f() { F::relu(x); }").callees(),
            Names{"torch::nn::functional::relu"});
  EXPECT_EQ(Parsed("using namespace torch;\nvoid f() { zeros({2}); nn::functional::relu(x); my::g(); }").callees(),
            (Names{"torch::zeros", "torch::nn::functional::relu", "my::g"}));
  EXPECT_EQ(Parsed("using torch::relu_;\nvoid f() { relu_(x); }").callees(), Names{"torch::relu_"});
  EXPECT_EQ(Parsed("namespace at { namespace native { void f() { empty({2}); } } }").callees(), Names{"at::empty"});
  EXPECT_EQ(Parsed("void f() { torch::zeros<float>({2}); }").callees(), Names{"torch::zeros"});
}

TEST(CppQualifiedNames, FileFunctionsAreNotCompletedByUsingDirectives) {
  EXPECT_EQ(Parsed("using namespace torch;\nvoid helper_(int);\nvoid f() { helper_(1); zeros({1}); }").callees(),
            (Names{"helper_", "torch::zeros"}));
}

TEST(CppModules, DirectAndTransitiveBasesAndForwards) {
  const Parsed parsed(
      "struct A : torch::nn::Module { torch::Tensor forward(torch::Tensor x) { return x; } };\n"
      "class B : public torch::nn::Cloneable<B> { public: torch::Tensor forward(torch::Tensor x); };\n"
      "struct C : A { int forward(int x) { return x; } };\n"
      "struct D { int forward(int x) { return x; } };\n"
      "using namespace torch;\n"
      "struct E : nn::Module {};\n"
      "torch::Tensor B::forward(torch::Tensor x) { return x; }\n"
      "torch::Tensor D_forward(torch::Tensor x) { return x; }\n");
  std::vector<std::pair<std::string, bool>> classes;
  for (const auto& cls : parsed.model.classes()) classes.emplace_back(cls.name, cls.is_module);
  EXPECT_EQ(classes, (std::vector<std::pair<std::string, bool>>{
                         {"A", true}, {"B", true}, {"C", true}, {"D", false}, {"E", true}}));
  std::vector<bool> forwards;
  parsed.each(cpp_kinds().function_definition, [&](TSNode definition, const std::vector<TSNode>&) {
    forwards.push_back(parsed.model.is_module_forward(definition));
  });
  EXPECT_EQ(forwards, (std::vector<bool>{true, true, false, true, false}));
}

// Whether the left side of each compound assignment is a tensor local/parameter, in order.
std::vector<bool> tensor_targets(const std::string& source) {
  const Parsed parsed(source);
  std::vector<bool> result;
  parsed.each(cpp_kinds().assignment_expression, [&](TSNode assignment, const std::vector<TSNode>& ancestors) {
    result.push_back(parsed.model.is_tensor_variable(ts_node_child_by_field_name(assignment, "left", 4), ancestors));
  });
  return result;
}

TEST(CppTensorVariables, DeclaredTypesAndScopes) {
  EXPECT_EQ(tensor_targets("void f(torch::Tensor a, const at::Tensor& b, int c, torch::Tensor* p) {\n"
                           "  a += 1; c += 1; p += 1;\n"
                           "  auto d = torch::zeros({1}); d += 1;\n"
                           "  auto e = a.clone(); e += 1;\n"
                           "  { int a = 0; a += 1; }\n"
                           "  a += 1;\n"
                           "  [&](int a) { a += 1; };\n"
                           "  [&]() { a += 1; };\n"
                           "}\n"),
            (std::vector<bool>{true, false, false, true, false, false, true, false, true}));
}

TEST(CppTensorVariables, DeclarationsLaterInTheBlockDoNotCount) {
  EXPECT_EQ(tensor_targets("void f() { int x = 0; x += 1; torch::Tensor y; { auto x = at::ones({1}); x += 1; } }"),
            (std::vector<bool>{false, true}));
}

std::vector<bool> guards(const std::string& source) {
  const Parsed parsed(source);
  std::vector<bool> result;
  parsed.each(cpp_kinds().declaration, [&](TSNode declaration, const std::vector<TSNode>& ancestors) {
    result.push_back(parsed.model.is_grad_guard(declaration, ancestors));
  });
  return result;
}

TEST(CppGuards, RecognisedGuards) {
  EXPECT_EQ(guards("void f() {\n"
                   "  torch::NoGradGuard a;\n"
                   "  at::NoGradGuard b;\n"
                   "  c10::InferenceMode c;\n"
                   "  c10::InferenceMode d(false);\n"
                   "  torch::AutoGradMode e(false);\n"
                   "  at::AutoGradMode g{false};\n"
                   "  torch::AutoGradMode h(true);\n"
                   "  int i = 0;\n"
                   "}\n"),
            (std::vector<bool>{true, true, true, false, true, true, false, false}));
  EXPECT_EQ(guards("using namespace torch;\nvoid f() { NoGradGuard g; }"), std::vector<bool>{true});
}

}  // namespace
}  // namespace torchlint
