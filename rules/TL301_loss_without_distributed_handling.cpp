// TL301 loss-without-distributed-handling: losses that reduce with no torch.distributed nearby.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/run/glob.h"
#include "linter/semantic/python_calls.h"
#include "linter/semantic/python_model.h"
#include "linter/semantic/testing.h"

namespace torchlint::rules {
namespace {

bool contains_loss_any_case(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("loss") != std::string::npos;
}

bool is_loss_function(const FunctionInfo& info) {
  if (contains_loss_any_case(info.name)) return true;
  return info.is_forward && info.cls != nullptr && info.cls->name.find("Loss") != std::string_view::npos;
}

bool is_reduction_name(std::string_view name) { return name == "mean" || name == "sum"; }

// `x.mean()`, `torch.sum(x)`, `np.mean(x)`, `from torch import mean; mean(x)` (not the builtin
// `sum()`), or a `reduction="mean"` / `"sum"` keyword.
bool is_reduction(TSNode node, const PythonModel& model, const KindTable& kinds) {
  const PyKinds& k = py_kinds();
  const KindId kind = kinds.of(node);
  if (kind == k.call) {
    TSNode callee = field_child(node, "function");
    if (kinds.of(callee) == k.attribute) return is_reduction_name(model.text(field_child(callee, "attribute")));
    if (kinds.of(callee) == k.identifier) {
      auto it = model.imports().find(std::string(model.text(callee)));
      if (it == model.imports().end() || !it->second.from_import) return false;
      const std::string& qualified = it->second.qualified;
      return is_reduction_name(std::string_view(qualified).substr(qualified.rfind('.') + 1));
    }
    return false;
  }
  if (kind == k.keyword_argument && model.text(field_child(node, "name")) == "reduction") {
    TSNode value = field_child(node, "value");
    if (kinds.of(value) != k.string) return false;
    std::string_view text = model.text(value);
    if (text.size() < 2) return false;
    const auto quote = text.find_first_of("\"'");
    if (quote == std::string_view::npos) return false;
    text = text.substr(quote);
    return text == "\"mean\"" || text == "'mean'" || text == "\"sum\"" || text == "'sum'";
  }
  return false;
}

bool reduces(TSNode definition, const PythonModel& model, const KindTable& kinds) {
  bool found = false;
  walk_tree(
      definition,
      [&](TSNode node) {
        if (found) return false;
        if (is_reduction(node, model, kinds)) found = true;
        return !found;
      },
      [](TSNode) {});
  return found;
}

class LossWithoutDistributedHandling final : public Check {
 public:
  void enter(TSNode definition, Context& context) override {
    const PythonModel& model = context.py();
    const FunctionInfo* info = model.function(definition);
    if (info == nullptr || !is_loss_function(*info)) return;
    if (is_test(context)) return;
    if (!reduces(definition, model, context.kinds())) return;
    if (!graph_) graph_.emplace(model, ts_tree_root_node(definition.tree));
    if (is_distributed_aware(*info)) return;
    context.report(field_child(definition, "name"),
                   "loss `" + std::string(info->name) +
                       "` reduces (mean/sum) but neither it nor a function it calls or that calls it uses "
                       "`torch.distributed`; reduce across ranks (e.g. `dist.all_reduce`) or document why local "
                       "reduction is correct");
  }

 private:
  bool is_distributed_aware(const FunctionInfo& info) const {
    if (graph_->facts(info).refers_to_distributed) return true;
    auto aware = [&](const FunctionInfo* other) { return graph_->facts(*other).refers_to_distributed; };
    const auto callees = graph_->callees(info);
    if (std::any_of(callees.begin(), callees.end(), aware)) return true;
    const auto callers = graph_->callers(info);
    return std::any_of(callers.begin(), callers.end(), aware);
  }

  bool is_test(const Context& context) {
    if (!test_file_) {
      const std::string relative = relative_for_matching(context.source().path(), context.settings().root);
      test_file_ = is_test_file(relative, context.settings().test_patterns);
    }
    return *test_file_;
  }

  std::optional<PythonCallGraph> graph_;
  std::optional<bool> test_file_;
};

}  // namespace

const Rule& tl301_loss_without_distributed_handling() {
  static const Rule rule{
      .info = {.code = "TL301",
               .name = "loss-without-distributed-handling",
               .level = Level::Note,
               .section = "Torch Distributed",
               .summary = "Loss reduces without any distributed handling nearby",
               .docs = R"md(## What it does
Python: flags a loss that reduces its values while nothing around it handles distributed
training. A **loss** is a function (any `def`, including methods and nested functions) whose name
contains `loss` in any case (`focal_loss`, `compute_loss`, `LossFn`), or the `forward` of an
nn.Module subclass whose class name contains `Loss`. It **reduces** when its body calls a
method or module function named `mean` or `sum` (`x.mean()`, `torch.sum(x)`, `np.mean(x)`,
`mean(x)` after `from torch import mean`; not the builtin `sum()`), or passes
`reduction="mean"` / `reduction="sum"` (a functional loss left at its default reduction does not
count).

It is flagged unless one of these refers to a qualified name under `torch.distributed`
(`dist.all_reduce`, `torch.distributed.get_world_size()`, `from torch.distributed import
all_reduce`, however imported):

- the loss itself;
- any function of the same file that it calls directly by name (`helper(...)`, or
  `self.helper(...)` for a method of its own class);
- any function of the same file that calls it directly by name.

One level each way, not transitively: helper losses that are summed and normalised by a
distributed-aware caller are fine. Test files (as defined for the TL9 rules: `test_*.py`,
`*_test.py`, `conftest.py`, files under `tests/` or `test/`, and `[testing] test-patterns`) are
exempt. The diagnostic points at the function's name.

## Why is this bad?
The guidelines say: *loss functions must correctly handle distributed tensors* and *verify that
loss values are properly aggregated in distributed settings*. Under data parallelism each rank
sees a different shard; a `mean()` over the local shard weights ranks with fewer valid elements
(masked tokens, images with fewer boxes) as heavily as full ones, and logged losses disagree
between ranks. Normalising by a global count (`all_reduce` of the number of elements) gives the
loss the single-process run would have computed.

## Example
```python
def detection_loss(pred: torch.Tensor, target: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    per_box = torch.abs(pred - target).sum(dim=-1)
    return (per_box * valid).sum() / valid.sum()
```

Use instead:
```python
import torch.distributed as dist

def detection_loss(pred: torch.Tensor, target: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
    per_box = torch.abs(pred - target).sum(dim=-1)
    num_valid = valid.sum()
    if dist.is_available() and dist.is_initialized():
        dist.all_reduce(num_valid)
        num_valid = num_valid / dist.get_world_size()
    return (per_box * valid).sum() / num_valid.clamp(min=1)
```

## Options
- `[testing] test-patterns`: more globs of files that count as tests (and are exempt).

## Guideline
*Torch Distributed*: "Loss functions must correctly handle distributed tensors"; "Use
`torch.distributed.all_reduce` or similar as needed for gathering/scattering".
)md"},
      .python = {.kinds = {"function_definition"}, .make = make_check<LossWithoutDistributedHandling>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
