// Macro recovery before tree-sitter-cpp: same length, same line breaks, and the constructs
// that used to produce ERROR nodes now parse.
#include <gtest/gtest.h>

#include <string>

#include "linter/config/settings.h"
#include "linter/parse/parser.h"
#include "linter/semantic/cpp_preprocess.h"

namespace torchlint {
namespace {

std::string recover(const std::string& text, CppRecoveryStats* stats = nullptr) {
  const std::string out = recover_cpp_source(text, default_attribute_macros(), stats);
  EXPECT_EQ(out.size(), text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') EXPECT_EQ(out[i], '\n') << "line break moved at " << i;
  }
  return out;
}

bool parses_cleanly(const std::string& text) {
  Tree tree = parse(Language::Cpp, text);
  return tree && !ts_node_has_error(ts_tree_root_node(tree.get()));
}

TEST(CppRecovery, BlanksAttributeMacros) {
  const std::string text = "class TORCH_API Module : public torch::nn::Module {};\n"
                           "C10_HOST_DEVICE inline int f(int a) { return a; }\n";
  EXPECT_FALSE(parses_cleanly(text));
  const std::string out = recover(text);
  EXPECT_EQ(out.substr(0, 22), "class           Module");
  EXPECT_TRUE(parses_cleanly(out));
}

TEST(CppRecovery, ConfiguredMacrosReplaceTheDefaults) {
  const std::string text = "class MY_EXPORTED_THING Net {};\n";
  EXPECT_EQ(recover_cpp_source(text, {"MY_EXPORTED_THING"}), "class                   Net {};\n");
  EXPECT_EQ(recover_cpp_source(text, {}), text);
}

TEST(CppRecovery, ExportMacrosByTheirSpelling) {
  const std::string out = recover("struct TORCH_CUDA_CPP_API Handle {};\nclass C10_EXPORT Foo {};\n");
  EXPECT_TRUE(parses_cleanly(out));
  EXPECT_EQ(out.find("_API"), std::string::npos);
  EXPECT_EQ(out.find("C10_EXPORT"), std::string::npos);
}

TEST(CppRecovery, CudaKernelsAndLaunches) {
  const std::string text =
      "__global__ void __launch_bounds__(256) k(float* __restrict__ p) { __shared__ float s[4]; }\n"
      "void f(float* p, cudaStream_t stream) {\n"
      "  k<<<dim3(1, 2), 256, 0, stream>>>(p);\n"
      "  C10_CUDA_KERNEL_LAUNCH_CHECK();\n"
      "}\n";
  CppRecoveryStats stats;
  const std::string out = recover(text, &stats);
  EXPECT_EQ(stats.kernel_launches, 1);
  const std::size_t launch = text.find("k<<<");
  const std::size_t call = text.find(">>>(p)") + 3;
  EXPECT_EQ(out.substr(launch, call - launch), "k" + std::string(call - launch - 1, ' ')) << out;
  EXPECT_TRUE(parses_cleanly(out)) << out;
}

TEST(CppRecovery, StatementMacrosWithoutSemicolon) {
  const std::string text =
      "C10_DECLARE_REGISTRY(Foo, Bar, int)\n"
      "C10_DEFINE_bool(flag, false, \"help\")\n"
      "int g();\n";
  CppRecoveryStats stats;
  const std::string out = recover(text, &stats);
  EXPECT_EQ(stats.statement_macros, 2);
  EXPECT_TRUE(parses_cleanly(out)) << out;
}

TEST(CppRecovery, KeepsMacrosThatAreStatementsOrHaveBodies) {
  // With a semicolon, a body, or a lambda argument the macro parses as it is and stays.
  const std::string text =
      "TORCH_MODULE(Net);\n"
      "TORCH_LIBRARY(myops, m) {\n  m.def(\"f\");\n}\n"
      "void f(at::Tensor x) {\n"
      "  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), \"f\", [&] { g<scalar_t>(); })\n"
      "}\n";
  EXPECT_EQ(recover(text), text);
}

TEST(CppRecovery, TorchArgFields) {
  const std::string text = "struct Options {\n  TORCH_ARG(double, lr) = 1e-3;\n  TORCH_ARG(std::vector<int64_t>, sizes);\n};\n";
  EXPECT_FALSE(parses_cleanly(text));
  const std::string out = recover(text);
  EXPECT_NE(out.find("          double  lr  = 1e-3;"), std::string::npos) << out;
  EXPECT_TRUE(parses_cleanly(out)) << out;
}

TEST(CppRecovery, BracedDefaultArguments) {
  const std::string text = "Tensor f(const Options& options = {}, IntArrayRef dims={0,1});\n";
  EXPECT_FALSE(parses_cleanly(text));
  EXPECT_TRUE(parses_cleanly(recover(text)));
  // An ordinary braced initialisation is left alone.
  EXPECT_EQ(recover("void g() { std::vector<int> v = {1, 2}; x = {}; }\n"),
            "void g() { std::vector<int> v = {1, 2}; x = {}; }\n");
}

TEST(CppRecovery, ExplicitCallOperator) {
  const std::string text = "void f() { auto y = model->operator()(x); }\n";
  const std::string out = recover(text);
  EXPECT_NE(out.find("model->operator__(x)"), std::string::npos) << out;
  EXPECT_TRUE(parses_cleanly(out));
}

TEST(CppRecovery, LeavesCommentsStringsAndDirectivesAlone) {
  const std::string text =
      "// TORCH_API in a comment\n"
      "/* __global__ k<<<1, 1>>>() */\n"
      "#define EXPORT TORCH_API\n"
      "const char* s = \"TORCH_API k<<<1,1>>>\";\n"
      "const char* r = R\"x(TORCH_API)x\";\n"
      "int n = 1'000'000; char c = '\\'';\n";
  EXPECT_EQ(recover(text), text);
}

TEST(CppRecovery, UnterminatedConstructsDoNotHang) {
  for (const std::string text : {"k<<<1, 2", "TORCH_ARG(int", "/* open", "\"open", "R\"x(open", "f(a = {",
                                 "C10_DEFINE(x\n", "__launch_bounds__(", "#define A \\\n"}) {
    EXPECT_EQ(recover(text).size(), text.size());
  }
}

}  // namespace
}  // namespace torchlint
