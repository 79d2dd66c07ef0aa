// The flat tree (linter/parse/flat_tree.h) must hand out exactly the nodes, in exactly the
// order, that a TSTreeCursor walk does: every walk of a linted file goes through it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "linter/parse/flat_tree.h"
#include "linter/parse/parser.h"
#include "linter/parse/walk.h"

namespace torchlint {
namespace {

struct Event {
  bool enter;
  TSNode node;
};

bool same(const TSNode& a, const TSNode& b) {
  return a.id == b.id && a.tree == b.tree && a.context[0] == b.context[0] && a.context[1] == b.context[1] &&
         a.context[2] == b.context[2] && a.context[3] == b.context[3];
}

// enter/leave events of walk_tree under `root`, skipping the children of every `skip`-th node.
std::vector<Event> events(TSNode root, int skip) {
  std::vector<Event> out;
  int count = 0;
  walk_tree(
      root,
      [&](TSNode node) {
        out.push_back({true, node});
        return skip == 0 || ++count % skip != 0;
      },
      [&](TSNode node) { out.push_back({false, node}); });
  return out;
}

std::vector<TSNode> named_children(TSNode node) {
  std::vector<TSNode> out;
  for_each_named_child(node, [&](TSNode child) { out.push_back(child); });
  return out;
}

// Compares every walk the flat tree serves with the cursor's, from the root and from a
// sample of inner nodes.
void expect_same_walks(Language language, const std::string& source) {
  Tree tree = parse(language, source);
  ASSERT_TRUE(tree);
  const TSNode root = ts_tree_root_node(tree.get());
  std::vector<std::vector<Event>> cursor_walks;
  std::vector<std::vector<TSNode>> cursor_children;
  std::vector<TSNode> starts;
  for (const Event& event : events(root, 0)) {
    if (event.enter) starts.push_back(event.node);
  }
  const std::size_t stride = std::max<std::size_t>(1, starts.size() / 200);
  for (std::size_t i = 0; i < starts.size(); i += stride) {
    cursor_walks.push_back(events(starts[i], 0));
    cursor_walks.push_back(events(starts[i], 3));
    cursor_children.push_back(named_children(starts[i]));
  }
  const FlatTree flat(root);
  EXPECT_EQ(flat.size(), starts.size());
  const FlatTree::Activation active(&flat);
  std::size_t walk = 0;
  for (std::size_t i = 0; i < starts.size(); i += stride, ++walk) {
    ASSERT_NE(flat.index_of(starts[i]), FlatTree::npos);
    for (int pass = 0; pass < 2; ++pass) {
      const std::vector<Event> got = events(starts[i], pass == 0 ? 0 : 3);
      const std::vector<Event>& want = cursor_walks[2 * walk + pass];
      ASSERT_EQ(got.size(), want.size()) << "walk from node " << i;
      for (std::size_t e = 0; e < got.size(); ++e) {
        ASSERT_EQ(got[e].enter, want[e].enter) << "walk from node " << i << ", event " << e;
        ASSERT_TRUE(same(got[e].node, want[e].node)) << "walk from node " << i << ", event " << e;
      }
    }
    // Parents and field children as tree-sitter answers them.
    const TSNode parent = ts_node_parent(starts[i]);
    const TSNode flat_parent = parent_node(starts[i]);
    ASSERT_EQ(ts_node_is_null(parent), ts_node_is_null(flat_parent)) << "node " << i;
    if (!ts_node_is_null(parent)) ASSERT_TRUE(same(parent, flat_parent)) << "node " << i;
    const TSLanguage* language = ts_node_language(starts[i]);
    for (TSFieldId field = 1; field <= ts_language_field_count(language); ++field) {
      for (int repeat = 0; repeat < 2; ++repeat) {  // the second answer comes from the memo
        const TSNode want = ts_node_child_by_field_id(starts[i], field);
        const TSNode got = flat.child_by_field(flat.index_of(starts[i]), field);
        ASSERT_EQ(ts_node_is_null(want), ts_node_is_null(got)) << "node " << i << ", field " << field;
        if (!ts_node_is_null(want)) ASSERT_TRUE(same(want, got)) << "node " << i << ", field " << field;
      }
    }
    const std::vector<TSNode> children = named_children(starts[i]);
    ASSERT_EQ(children.size(), cursor_children[walk].size());
    for (std::size_t c = 0; c < children.size(); ++c) ASSERT_TRUE(same(children[c], cursor_children[walk][c]));
  }
}

TEST(FlatTree, PythonWalksMatchTheCursor) {
  expect_same_walks(Language::Python, R"py(
import torch  # comment
from torch import nn as tnn

@decorator(1)
class Net(tnn.Module):
    """Doc."""

    def forward(self, x: torch.Tensor, *args, **kw) -> tuple[int, ...]:
        # Shape: (B, C)
        y = x.add_(1) if x else [i for i in range(3) if i]
        with torch.no_grad():
            z = {k: v for k, v in kw.items()}
        match y:
            case [a, *rest]:
                pass
        return f"{y!r:>{w}}", lambda q=1: q, \
            not y
)py");
}

TEST(FlatTree, PythonWithErrorsAndAliases) {
  // ERROR nodes, missing nodes and aliased productions (e.g. `as_pattern_target`).
  expect_same_walks(Language::Python, "def f(:\n    x = (1,\nwith a as (b, c): pass\nprint >> x, y\nexec 'x'\n");
}

TEST(FlatTree, CppWalksMatchTheCursor) {
  expect_same_walks(Language::Cpp, R"cpp(
#include <torch/torch.h>
namespace ns {
template <typename T> struct Net : torch::nn::Module {
  torch::Tensor forward(torch::Tensor x) { // comment
    torch::NoGradGuard guard;
    auto y = x.add_(1);
    return y.to(torch::kCUDA) ? y : [&](int a) { return a; }(1);
  }
};
}  // namespace ns
)cpp");
}

TEST(FlatTree, DeepNestingNeedsNoRecursion) {
  std::string source = "x = " + std::string(20000, '(') + "1" + std::string(20000, ')') + "\n";
  Tree tree = parse(Language::Python, source);
  const FlatTree flat(ts_tree_root_node(tree.get()));
  EXPECT_GT(flat.size(), 20000U);
}

TEST(FlatTree, NodesOfAnotherTreeUseTheCursor) {
  Tree first = parse(Language::Python, "a = 1\n");
  Tree second = parse(Language::Python, "b = 2\nc = 3\n");
  const FlatTree flat(ts_tree_root_node(first.get()));
  const FlatTree::Activation active(&flat);
  EXPECT_EQ(flat.index_of(ts_tree_root_node(second.get())), FlatTree::npos);
  EXPECT_EQ(named_children(ts_tree_root_node(second.get())).size(), 2U);
}

// Every Python file of the installed torch package, when there is one.
TEST(FlatTree, TorchTreeWalksMatchTheCursor) {
  const std::filesystem::path torch = "/usr/lib/python3/dist-packages/torch/nn";
  if (!std::filesystem::is_directory(torch)) GTEST_SKIP() << "no torch tree";
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(torch)) {
    if (entry.path().extension() != ".py") continue;
    std::ifstream stream(entry.path(), std::ios::binary);
    std::ostringstream buffer;
    buffer << stream.rdbuf();
    SCOPED_TRACE(entry.path().string());
    expect_same_walks(Language::Python, buffer.str());
    ++files;
  }
  EXPECT_GT(files, 10);
}

}  // namespace
}  // namespace torchlint
