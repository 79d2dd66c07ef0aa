// TL502 inplace-keyword: `inplace=True` asks a module or function to overwrite its input.
// The Python check is below; the C++ check (`.inplace(true)` in an options chain) sits beside it.
#include <string>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/cpp_model.h"

namespace torchlint::rules {
namespace {

void check_python(TSNode keyword, Context& context) {
  if (context.text(field_child(keyword, "name")) != "inplace") return;
  TSNode value = field_child(keyword, "value");
  if (ts_node_is_null(value) || context.kind(value) != py_kinds().true_) return;
  context.report(keyword, "`inplace=True` overwrites the input tensor; drop it (the default `inplace=False` "
                          "returns a new tensor)");
}

// C++: `.inplace(true)` in an options chain (`torch::nn::ReLUOptions().inplace(true)`,
// `F::ReLUFuncOptions().inplace(true)`, `opts.inplace(true)`). Reported at the call.
void check_cpp(TSNode call, Context& context) {
  const CppKinds& k = cpp_kinds();
  TSNode callee = field_child(call, "function");
  if (ts_node_is_null(callee) || context.kind(callee) != k.field_expression) return;
  if (context.text(callee_name_node(callee)) != "inplace") return;
  TSNode arguments = field_child(call, "arguments");
  if (ts_node_is_null(arguments) || ts_node_named_child_count(arguments) != 1) return;
  if (context.kind(ts_node_named_child(arguments, 0)) != k.true_) return;
  context.report(call, "`.inplace(true)` makes the module overwrite its input tensor; drop it (the default is "
                       "`inplace(false)`)");
}

}  // namespace

const Rule& tl502_inplace_keyword() {
  static const Rule rule{
      .info = {.code = "TL502",
               .name = "inplace-keyword",
               .level = Level::Error,
               .section = "Operations",
               .summary = "Keyword argument `inplace=True`",
               .docs = R"md(## What it does
Python: flags a keyword argument `inplace=True`, in any call: `nn.ReLU(inplace=True)`,
`F.relu(x, inplace=True)`, `F.dropout(x, p=0.1, training=True, inplace=True)`,
`nn.Hardswish(inplace=True)`, and also configuration-style calls such as
`dict(type="ReLU", inplace=True)` or `partial(nn.ReLU, inplace=True)`, which request the same
in-place module indirectly.

Only the literal `True` is flagged. `inplace=False`, `inplace=flag` (a variable whose value the
syntax does not show), a positional `True`, and `inplace` used anywhere else (a parameter
default `def f(inplace=True)`, an assignment `self.inplace = True`) are not.

The diagnostic is reported at the keyword argument (`inplace=True`).

## Why is this bad?
The guidelines say: *never use inplace operations unless explicitly requested*. An in-place
activation overwrites its input; when autograd saved that input for the backward pass, training
fails with "one of the variables needed for gradient computation has been modified by an
inplace operation", or silently computes wrong gradients through views. The memory it saves is
rarely worth it, and it makes modules unsafe to reuse on shared inputs, under `torch.compile`
or in functional transforms.

## Example
```python
import torch.nn as nn
import torch.nn.functional as F

block = nn.Sequential(nn.Linear(64, 64), nn.ReLU(inplace=True))

def head(x):
    return F.dropout(F.relu(x, inplace=True), p=0.1, inplace=True)
```

Use instead:
```python
import torch.nn as nn
import torch.nn.functional as F

block = nn.Sequential(nn.Linear(64, 64), nn.ReLU())

def head(x):
    return F.dropout(F.relu(x), p=0.1)
```

## Explicitly requested in-place code
Suppress the line: `nn.ReLU(inplace=True)  # noqa: TL502`.

## Options
None.

## Guideline
Operations: *Never use inplace operations (`x.add_()` etc.) unless explicitly requested.*

## C++
In LibTorch sources the rule flags a call `.inplace(true)`, as options builders spell the
keyword: `torch::nn::ReLUOptions().inplace(true)`,
`torch::nn::functional::DropoutFuncOptions().p(0.5).inplace(true)`, `opts.inplace(true)`. The
diagnostic is reported at that call expression (which, for a chain, starts where the chain
starts). `.inplace(false)` and `.inplace(flag)` are not flagged.

```cpp
auto act = torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true));
```

Use instead:
```cpp
auto act = torch::nn::ReLU(torch::nn::ReLUOptions());
```
)md"},
      .python = {.kinds = {"keyword_argument"}, .make = function_check<check_python>},
      .cpp = {.kinds = {"call_expression"}, .make = function_check<check_cpp>}};
  return rule;
}

}  // namespace torchlint::rules
