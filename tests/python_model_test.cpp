#include <gtest/gtest.h>

#include "linter/parse/kinds.h"
#include "linter/parse/parser.h"
#include "linter/parse/walk.h"
#include "linter/semantic/python_model.h"

namespace torchlint {
namespace {

// Qualified names of every call's callee, in source order ("" when unresolved).
std::vector<std::string> callee_names(const std::string& source) {
  Tree tree = parse(Language::Python, source);
  PythonModel model(tree.get(), source);
  std::vector<std::string> names;
  walk_tree(
      ts_tree_root_node(tree.get()),
      [&](TSNode node) {
        if (kind_table(Language::Python).of(node) == py_kinds().call) names.push_back(model.callee_name(node).value_or(""));
        return true;
      },
      [](TSNode) {});
  return names;
}

TEST(QualifiedNames, ImportAliasesResolve) {
  EXPECT_EQ(callee_names("import torch as T\nT.zeros(1)\n"), std::vector<std::string>{"torch.zeros"});
  EXPECT_EQ(callee_names("from torch import zeros\nzeros(1)\n"), std::vector<std::string>{"torch.zeros"});
  EXPECT_EQ(callee_names("import torch.nn.functional as F\nF.relu_(x)\n"),
            std::vector<std::string>{"torch.nn.functional.relu_"});
  EXPECT_EQ(callee_names("from torch import nn\nnn.ReLU()\n"), std::vector<std::string>{"torch.nn.ReLU"});
  EXPECT_EQ(callee_names("import torch.nn\ntorch.nn.Linear(1, 2)\n"), std::vector<std::string>{"torch.nn.Linear"});
  EXPECT_EQ(callee_names("from torch.nn import functional as fn\nfn.gelu(x)\n"),
            std::vector<std::string>{"torch.nn.functional.gelu"});
}

TEST(QualifiedNames, ConventionalModulesWhenUnbound) {
  EXPECT_EQ(callee_names("torch.ones(2)\nnn.Linear(1, 2)\nF.relu(x)\ndist.all_reduce(x)\n"),
            (std::vector<std::string>{"torch.ones", "torch.nn.Linear", "torch.nn.functional.relu",
                                      "torch.distributed.all_reduce"}));
}

TEST(QualifiedNames, BoundNamesAreNotConventional) {
  // `F` is a parameter somewhere in the file, `torch` is assigned: neither is the module.
  EXPECT_EQ(callee_names("def f(F):\n    F.relu(x)\ntorch = object()\ntorch.ones(1)\n"),
            (std::vector<std::string>{"", "", ""}));
}

TEST(QualifiedNames, RelativeImportsKeepTheirDots) {
  EXPECT_EQ(callee_names("from . import losses\nlosses.focal(x)\nfrom .models import Net\nNet()\n"),
            (std::vector<std::string>{".losses.focal", ".models.Net"}));
}

TEST(PythonModel, ModuleSubclassesThroughLocalChains) {
  const std::string source =
      "import torch.nn as nn\n"
      "class Base(nn.Module):\n    pass\n"
      "class Child(Base):\n    def forward(self, x):\n        return x\n"
      "class Plain(object):\n    def forward(self, x):\n        return x\n"
      "import pytorch_lightning as pl\n"
      "class Lit(pl.LightningModule):\n    def forward(self, x):\n        return x\n";
  Tree tree = parse(Language::Python, source);
  PythonModel model(tree.get(), source);
  std::map<std::string, bool> is_module;
  for (const auto& info : model.classes()) is_module[std::string(info.name)] = info.is_module;
  EXPECT_TRUE(is_module["Base"]);
  EXPECT_TRUE(is_module["Child"]);
  EXPECT_FALSE(is_module["Plain"]);
  EXPECT_TRUE(is_module["Lit"]);
  std::vector<bool> forwards;
  for (const auto& function : model.functions()) forwards.push_back(function.is_forward);
  EXPECT_EQ(forwards, (std::vector<bool>{true, false, true}));
}

TEST(PythonModel, KnownTensorNames) {
  const std::string source =
      "import torch\nfrom typing import Optional\nfrom jaxtyping import Float\n"
      "def f(a: torch.Tensor, b: Optional[torch.Tensor], c: Float[torch.Tensor, 'b n'], d: int,\n"
      "      e: torch.Tensor | None, g: list[torch.Tensor]):\n"
      "    x = torch.zeros(3)\n"
      "    values, indices = torch.sort(x)\n"
      "    y: torch.Tensor = make()\n"
      "    z = x.clone()\n"
      "    w = torch.optim.SGD(params)\n"
      "    s = torch.numel(x)\n"
      "    h = torch.nn.functional.relu(x)\n";
  Tree tree = parse(Language::Python, source);
  PythonModel model(tree.get(), source);
  const FunctionInfo& f = model.functions().front();
  for (std::string_view name : {"a", "b", "c", "e", "x", "values", "indices", "y", "h"}) {
    EXPECT_TRUE(f.tensor_names.contains(name)) << name;
  }
  for (std::string_view name : {"d", "g", "z", "w", "s"}) {
    EXPECT_FALSE(f.tensor_names.contains(name)) << name;
  }
}

TEST(PythonModel, NoGradDecorators) {
  const std::string source =
      "import torch\n"
      "@torch.no_grad()\ndef a(): pass\n"
      "@torch.no_grad\ndef b(): pass\n"
      "@torch.inference_mode()\ndef c(): pass\n"
      "@torch.enable_grad()\ndef d(): pass\n"
      "@torch.set_grad_enabled(False)\ndef e(): pass\n";
  Tree tree = parse(Language::Python, source);
  PythonModel model(tree.get(), source);
  std::vector<bool> flags;
  for (const auto& function : model.functions()) flags.push_back(function.no_grad_decorated);
  EXPECT_EQ(flags, (std::vector<bool>{true, true, true, false, true}));
}

}  // namespace
}  // namespace torchlint
