// TL302 collective-on-data: torch.distributed collectives applied to `.data`.
#include <array>
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/python_model.h"

namespace torchlint::rules {
namespace {

bool is_mutating_collective(std::string_view qualified) {
  static constexpr std::array<std::string_view, 6> kCollectives = {
      "all_reduce", "reduce", "all_gather", "all_gather_into_tensor", "reduce_scatter", "broadcast"};
  constexpr std::string_view kPackage = "torch.distributed.";
  if (!qualified.starts_with(kPackage)) return false;
  const std::string_view name = qualified.substr(kPackage.size());
  for (auto collective : kCollectives) {
    if (name == collective) return true;
  }
  return false;
}

void check_python(TSNode call, Context& context) {
  const PyKinds& k = py_kinds();
  TSNode arguments = field_child(call, "arguments");
  if (ts_node_is_null(arguments) || context.kind(arguments) != k.argument_list) return;
  // The first argument; written as a keyword, its value.
  TSNode first{};
  const std::uint32_t count = ts_node_named_child_count(arguments);
  for (std::uint32_t i = 0; i < count && ts_node_is_null(first); ++i) {
    TSNode argument = ts_node_named_child(arguments, i);
    if (!ts_node_is_extra(argument)) first = argument;
  }
  if (ts_node_is_null(first)) return;
  if (context.kind(first) == k.keyword_argument) first = field_child(first, "value");
  if (context.kind(first) != k.attribute || context.text(field_child(first, "attribute")) != "data") return;
  auto callee = context.py().callee_name(call);
  if (!callee || !is_mutating_collective(*callee)) return;
  context.report(first, "`" + *callee + "` on `" + std::string(context.text(first)) +
                            "` mutates the tensor behind autograd's back; use a "
                            "`torch.distributed.nn.functional` collective or reduce a detached copy");
}

}  // namespace

const Rule& tl302_collective_on_data() {
  static const Rule rule{
      .info = {.code = "TL302",
               .name = "collective-on-data",
               .level = Level::Warning,
               .section = "Torch Distributed",
               .summary = "In-place collective on a tensor's `.data`",
               .docs = R"md(## What it does
Python: flags a call of `torch.distributed.all_reduce`, `reduce`, `all_gather`,
`all_gather_into_tensor`, `reduce_scatter` or `broadcast` (however imported: `dist.all_reduce`,
`from torch.distributed import all_reduce`) whose first argument is an attribute access
`.data` (`loss.data`, `self.buffer.data`). A first argument written as a keyword
(`tensor=loss.data`) counts too. The diagnostic points at the argument.

## Why is this bad?
These collectives write their result into the tensor they are given. Through `.data` the write
bypasses autograd: the graph still holds the old value, version counters do not change, and
gradients computed afterwards silently disagree with the value that was logged or used. The
guidelines ask to *implement proper gradient synchronization*.

## Example
```python
loss = criterion(outputs, targets)
dist.all_reduce(loss.data, op=dist.ReduceOp.SUM)
loss = loss / dist.get_world_size()
```

Use instead:
```python
import torch.distributed.nn.functional as dist_fn

loss = criterion(outputs, targets)
loss = dist_fn.all_reduce(loss, op=dist.ReduceOp.SUM) / dist.get_world_size()  # differentiable

# or, for logging only
logged = loss.detach().clone()
dist.all_reduce(logged, op=dist.ReduceOp.SUM)
```

## Options
None.

## Guideline
*Torch Distributed*: "Implement proper gradient synchronization"; "Use
`torch.distributed.all_reduce` or similar as needed".
)md"},
      .python = {.kinds = {"call"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
