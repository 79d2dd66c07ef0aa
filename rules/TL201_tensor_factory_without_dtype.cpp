// TL201 tensor-factory-without-dtype: `torch.zeros(3)` leaves the dtype to a global default.
// The Python check is below; the C++ check (torch:: / at:: factories) sits beside it.
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/python_model.h"
#include "linter/semantic/torch_api.h"

namespace torchlint::rules {
namespace {

// torch's dtype objects (`torch.float32`, `torch.long`, ...): a positional dtype such as
// `torch.as_tensor(x, torch.float32)` states the dtype as clearly as `dtype=` does.
bool is_torch_dtype(std::string_view qualified) {
  static constexpr std::string_view kDtypes[] = {
      "float",    "float32",   "float64",   "double",    "half",      "float16",  "bfloat16",
      "int",      "int8",      "int16",     "int32",     "int64",     "long",     "short",
      "uint8",    "uint16",    "uint32",    "uint64",    "bool",      "complex32", "complex64",
      "complex128", "cfloat",  "cdouble",   "chalf",     "qint8",     "quint8",   "qint32",
      "quint4x2", "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz"};
  if (!qualified.starts_with("torch.")) return false;
  const std::string_view name = qualified.substr(6);
  for (std::string_view dtype : kDtypes) {
    if (name == dtype) return true;
  }
  return false;
}

// True when the call states its dtype (`dtype=`, a positional torch dtype) or unpacks
// `**kwargs`, which may carry one.
bool states_dtype(TSNode call, const Context& context) {
  const PyKinds& k = py_kinds();
  TSNode arguments = field_child(call, "arguments");
  // `torch.tensor` used as a decorator-like generator call (`f(x for x in y)`) has no list.
  if (ts_node_is_null(arguments) || context.kind(arguments) != k.argument_list) return false;
  const std::uint32_t count = ts_node_named_child_count(arguments);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode argument = ts_node_named_child(arguments, i);
    const KindId kind = context.kind(argument);
    if (kind == k.dictionary_splat) return true;
    if (kind == k.keyword_argument) {
      if (context.text(field_child(argument, "name")) == "dtype") return true;
      continue;
    }
    if (kind == k.identifier || kind == k.attribute) {
      auto qualified = context.py().qualified_name(argument);
      if (qualified && is_torch_dtype(*qualified)) return true;
    }
  }
  return false;
}

void check_python(TSNode call, Context& context) {
  TSNode callee = field_child(call, "function");
  const KindId callee_kind = context.kind(callee);
  if (callee_kind != py_kinds().attribute && callee_kind != py_kinds().identifier) return;
  auto qualified = context.py().qualified_name(callee);
  if (!qualified || !is_tensor_factory(*qualified)) return;
  if (states_dtype(call, context)) return;
  // The callee name: `zeros` in `torch.zeros(...)`, the identifier in `zeros(...)` (as TL501).
  TSNode name = callee_kind == py_kinds().attribute ? field_child(callee, "attribute") : callee;
  context.report(name, "`" + *qualified +
                           "` without `dtype=` takes the global default dtype; pass it explicitly (e.g. "
                           "`dtype=torch.float32`)");
}

}  // namespace

const Rule& tl201_tensor_factory_without_dtype() {
  static const Rule rule{
      .info = {.code = "TL201",
               .name = "tensor-factory-without-dtype",
               .level = Level::Error,
               .section = "Tensor Types",
               .summary = "Tensor factory called without an explicit `dtype=`",
               .docs = R"md(## What it does
Python: flags a call of a tensor factory that has no `dtype=` keyword argument. The tensor
factories are `torch.` + `tensor`, `as_tensor`, `asarray`, `zeros`, `ones`, `empty`, `full`,
`arange`, `range`, `linspace`, `logspace`, `eye`, `rand`, `randn`, `randint`, `randperm`,
`normal`, `empty_strided`, `scalar_tensor`, `sparse_coo_tensor`, however they were imported:
`import torch as T; T.zeros(3)` and `from torch import zeros; zeros(3)` are flagged too.
Calls anywhere count: in functions, methods, lambdas, class bodies and at module level.

Not flagged:

- a call with a `dtype=` keyword (whatever its value, `dtype=x.dtype` included);
- a call that unpacks `**kwargs` (it may carry the dtype);
- a call that passes a torch dtype positionally, as `torch.as_tensor(x, torch.float32)`
  allows (a careful reader sees the dtype as plainly as with `dtype=`);
- functions that inherit the dtype from another tensor: every `*_like` function
  (`torch.zeros_like`), the `Tensor.new_*` methods (`x.new_zeros(...)`), `torch.from_numpy`,
  `torch.frombuffer`;
- factories of other libraries (`np.zeros`, `jnp.ones`), and names that merely look like a
  factory but are not bound to torch (a local `def zeros(...)`).

The diagnostic is reported at the callee name: the `zeros` of `torch.zeros(3)`, the identifier
of `zeros(3)` (the same convention as TL501 uses for method names).

## Why is this bad?
The guidelines say: *always specify dtype when creating tensors*. Without it the dtype comes
from a process-wide default (`torch.get_default_dtype()`, float32 unless someone changed it)
or is inferred from the data (`torch.tensor([1, 2])` is int64, `torch.tensor([1.0])` float32,
`torch.arange(10)` int64, `torch.arange(10.0)` float32). Code that silently depends on that
breaks under mixed precision, produces int64 where float was meant (and then fails far away,
or silently truncates), and reads ambiguously in review.

## Example
```python
import torch

def make_mask(n: int) -> torch.Tensor:
    weights = torch.ones(n)
    steps = torch.arange(n)
    return torch.tensor([0.5]) * weights * steps
```

Use instead:
```python
import torch

def make_mask(n: int) -> torch.Tensor:
    weights = torch.ones(n, dtype=torch.float32)
    steps = torch.arange(n, dtype=torch.float32)
    return torch.tensor([0.5], dtype=torch.float32) * weights * steps
```

Where the dtype should follow another tensor, use `torch.zeros_like(x)`, `x.new_zeros(...)` or
`dtype=x.dtype`.

## Options
None. Suppress a deliberate default with `# noqa: TL201`.

## Guideline
Tensor Types: *Always specify dtype when creating tensors to ensure correct type (float32,
bfloat16, float16, etc.).*
)md"},
      .python = {.kinds = {"call"}, .make = function_check<check_python>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
