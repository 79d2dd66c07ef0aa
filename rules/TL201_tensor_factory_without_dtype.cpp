// TL201 tensor-factory-without-dtype: `torch.zeros(3)` leaves the dtype to a global default.
// The Python check is below; the C++ check (torch:: / at:: factories) sits beside it.
#include <algorithm>
#include <iterator>
#include <optional>
#include <vector>
#include <string>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/run/fix_helpers.h"
#include "linter/semantic/cpp_model.h"
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

// ----- Python fix -----

// What the literal data of a call tells about the dtype torch infers.
enum class LiteralKind { Int, Bool, Float, Other };

// A number or bool literal, possibly signed: `3`, `-1`, `2.5`, `True`.
LiteralKind literal_kind(TSNode node, const Context& context) {
  const PyKinds& k = py_kinds();
  KindId kind = context.kind(node);
  if (kind == k.unary_operator) {
    const std::string_view op = context.text(field_child(node, "operator"));
    if (op != "-" && op != "+") return LiteralKind::Other;
    node = field_child(node, "argument");
    kind = context.kind(node);
    if (kind == k.true_ || kind == k.false_) return LiteralKind::Other;  // -True is an int, keep it simple
  }
  if (kind == k.integer) {
    const std::string_view text = context.text(node);
    return text.find_first_of("jJ") == std::string_view::npos ? LiteralKind::Int : LiteralKind::Other;
  }
  if (kind == k.float_) {
    const std::string_view text = context.text(node);
    return text.find_first_of("jJ") == std::string_view::npos ? LiteralKind::Float : LiteralKind::Other;
  }
  if (kind == k.true_ || kind == k.false_) return LiteralKind::Bool;
  return LiteralKind::Other;
}

// Nested lists / tuples of literals, as torch.tensor infers them: any float -> the default
// dtype; else any int -> int64; all bools -> bool; empty -> the default dtype (float).
LiteralKind data_kind(TSNode data, const Context& context) {
  const PyKinds& k = py_kinds();
  bool any_float = false, any_int = false, any_bool = false, other = false;
  std::vector<TSNode> pending{data};
  while (!pending.empty() && !other) {
    TSNode node = pending.back();
    pending.pop_back();
    const KindId kind = context.kind(node);
    if (kind == k.list || kind == k.tuple || kind == k.parenthesized_expression) {
      for_each_named_child(node, [&](TSNode child) {
        if (context.kind(child) != k.comment) pending.push_back(child);
      });
      continue;
    }
    switch (literal_kind(node, context)) {
      case LiteralKind::Int: any_int = true; break;
      case LiteralKind::Bool: any_bool = true; break;
      case LiteralKind::Float: any_float = true; break;
      case LiteralKind::Other: other = true; break;
    }
  }
  if (other) return LiteralKind::Other;
  if (any_float || (!any_int && !any_bool)) return LiteralKind::Float;
  if (any_int) return LiteralKind::Int;
  return LiteralKind::Bool;
}

// Positional argument `index` or keyword `keyword` of an argument_list; null when absent.
TSNode call_argument(TSNode arguments, std::size_t index, std::string_view keyword, const Context& context) {
  const PyKinds& k = py_kinds();
  TSNode found{};
  std::size_t position = 0;
  for_each_named_child(arguments, [&](TSNode argument) {
    const KindId kind = context.kind(argument);
    if (kind == k.comment) return;
    if (kind == k.keyword_argument) {
      if (context.text(field_child(argument, "name")) == keyword) found = field_child(argument, "value");
      return;
    }
    if (position++ == index && ts_node_is_null(found)) found = argument;
  });
  return found;
}

// Every positional and start/end/step argument is an integer literal (torch.arange's int64 case).
bool all_integer_literals(TSNode arguments, const Context& context, bool& any_float) {
  const PyKinds& k = py_kinds();
  bool ok = true;
  std::size_t count = 0;
  for_each_named_child(arguments, [&](TSNode argument) {
    const KindId kind = context.kind(argument);
    if (kind == k.comment) return;
    TSNode value = argument;
    if (kind == k.keyword_argument) {
      const std::string_view name = context.text(field_child(argument, "name"));
      if (name != "start" && name != "end" && name != "step") {
        // Placement keywords do not change the dtype; anything else (out=) might.
        if (name != "device" && name != "requires_grad" && name != "layout" && name != "pin_memory") ok = false;
        return;
      }
      value = field_child(argument, "value");
    }
    ++count;
    const LiteralKind literal = literal_kind(value, context);
    if (literal == LiteralKind::Float) any_float = true;
    else if (literal != LiteralKind::Int) ok = false;
  });
  return ok && count > 0 && !any_float;
}

bool has_keyword(TSNode arguments, std::string_view keyword, const Context& context) {
  bool found = false;
  for_each_named_child(arguments, [&](TSNode argument) {
    if (context.kind(argument) == py_kinds().keyword_argument && context.text(field_child(argument, "name")) == keyword) {
      found = true;
    }
  });
  return found;
}

// The dtype torch would choose, made explicit (see the docs' "Fix safety").
std::optional<Fix> dtype_fix(TSNode call, std::string_view factory, const Context& context) {
  TSNode arguments = field_child(call, "arguments");
  if (ts_node_is_null(arguments) || context.kind(arguments) != py_kinds().argument_list) return std::nullopt;
  if (has_keyword(arguments, "out", context)) return std::nullopt;  // the dtype comes from `out`
  const std::optional<std::string> torch = python_module_alias(context.py(), "torch", true);
  const std::string module = torch.value_or("torch");
  std::string dtype = "float32";
  Applicability applicability = Applicability::Unsafe;
  std::string why;
  auto from_literal = [&](LiteralKind kind) {
    switch (kind) {
      case LiteralKind::Int: dtype = "int64", applicability = Applicability::Safe; break;
      case LiteralKind::Bool: dtype = "bool", applicability = Applicability::Safe; break;
      case LiteralKind::Float: dtype = "float32", applicability = Applicability::Unsafe; break;
      case LiteralKind::Other: dtype = "float32", applicability = Applicability::DisplayOnly; break;
    }
  };
  if (factory == "arange") {
    bool any_float = false;
    if (all_integer_literals(arguments, context, any_float)) from_literal(LiteralKind::Int);
    else from_literal(any_float ? LiteralKind::Float : LiteralKind::Other);
  } else if (factory == "randint" || factory == "randperm") {
    from_literal(LiteralKind::Int);  // int64 whatever the arguments
  } else if (factory == "full") {
    TSNode fill = call_argument(arguments, 1, "fill_value", context);
    from_literal(ts_node_is_null(fill) ? LiteralKind::Other : literal_kind(fill, context));
  } else if (factory == "tensor" || factory == "as_tensor" || factory == "asarray") {
    TSNode data = call_argument(arguments, 0, factory == "asarray" ? "obj" : "data", context);
    from_literal(ts_node_is_null(data) ? LiteralKind::Other : data_kind(data, context));
  } else if (factory == "zeros" || factory == "ones" || factory == "empty" || factory == "rand" || factory == "randn" ||
             factory == "eye" || factory == "linspace" || factory == "logspace" || factory == "empty_strided" ||
             factory == "scalar_tensor" || factory == "range") {
    from_literal(LiteralKind::Float);  // the default dtype, float32 unless the program changed it
  } else {
    from_literal(LiteralKind::Other);  // normal, sparse_coo_tensor: from the data
  }
  // Without a name for the torch module the fix cannot be written reliably.
  if (!torch && applicability != Applicability::DisplayOnly) applicability = Applicability::DisplayOnly;
  auto edit = append_call_argument(arguments, "dtype=" + module + "." + dtype);
  if (!edit) return std::nullopt;
  std::string message = "Add `dtype=" + module + "." + dtype + "`";
  if (applicability == Applicability::DisplayOnly) message += " (the dtype depends on the data: check it)";
  return make_fix(std::move(message), applicability, {std::move(*edit)});
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
  context.report(name,
                 "`" + *qualified +
                     "` without `dtype=` takes the global default dtype; pass it explicitly (e.g. "
                     "`dtype=torch.float32`)",
                 dtype_fix(call, std::string_view(*qualified).substr(6), context));
}

// ----- C++ -----

std::string_view last_name(std::string_view qualified) {
  const std::size_t pos = qualified.rfind("::");
  return pos == std::string_view::npos ? qualified : qualified.substr(pos + 2);
}

bool in_torch_namespace(std::string_view qualified) {
  return qualified.starts_with("torch::") || qualified.starts_with("at::") || qualified.starts_with("c10::");
}

// `torch::kCUDA`, `at::kCPU`, `c10::DeviceType::CUDA`, ...
bool is_cpp_device_constant(std::string_view qualified) {
  static constexpr std::string_view kDevices[] = {"kCPU", "kCUDA", "kMPS",   "kXPU",  "kHIP",  "kMeta", "kVulkan",
                                                  "kXLA", "kLazy", "kMTIA",  "kHPU",  "kIPU",  "kVE",   "kMKLDNN",
                                                  "kOpenGL", "kOpenCL", "kIDEEP", "kFPGA", "kORT", "kPrivateUse1"};
  if (!in_torch_namespace(qualified)) return false;
  if (qualified.find("::DeviceType::") != std::string_view::npos) return true;
  const std::string_view name = last_name(qualified);
  return std::find(std::begin(kDevices), std::end(kDevices), name) != std::end(kDevices);
}

bool is_device_class(std::string_view qualified) {
  return qualified == "torch::Device" || qualified == "at::Device" || qualified == "c10::Device";
}

TSNode unparenthesized_cpp(TSNode node, const Context& context) {
  while (!ts_node_is_null(node) && context.kind(node) == cpp_kinds().parenthesized_expression &&
         ts_node_named_child_count(node) == 1) {
    node = ts_node_named_child(node, 0);
  }
  return node;
}

// A TensorOptions expression built in the call without a dtype: a chain of option setters
// (`.device(d)`, `.requires_grad(b)`, `.layout(l)`, `.pinned_memory(b)`, `.memory_format(m)`)
// rooted at `torch::TensorOptions()` (or with a device argument), `torch::device(d)`,
// `torch::requires_grad(...)`, `torch::layout(...)`, `torch::memory_format(...)`.
bool is_options_without_dtype(TSNode node, const Context& context) {
  const CppKinds& k = cpp_kinds();
  const CppModel& model = *context.cpp();
  static constexpr std::string_view kSetters[] = {"device",        "requires_grad", "layout",
                                                  "pinned_memory", "memory_format", "device_index"};
  for (int guard = 0; guard < 64; ++guard) {
    node = unparenthesized_cpp(node, context);
    if (context.kind(node) != k.call_expression) return false;
    TSNode callee = field_child(node, "function");
    if (context.kind(callee) == k.field_expression) {
      const std::string_view setter = context.text(callee_name_node(callee));
      if (std::find(std::begin(kSetters), std::end(kSetters), setter) == std::end(kSetters)) return false;
      node = field_child(callee, "argument");
      continue;
    }
    const std::string qualified = model.callee_name(node, context.ancestors());
    const std::string_view name = last_name(qualified);
    if (qualified.starts_with("torch::") || qualified.starts_with("at::") || qualified.starts_with("c10::")) {
      if (name == "TensorOptions") {
        TSNode arguments = field_child(node, "arguments");
        if (ts_node_named_child_count(arguments) == 0) return true;
        TSNode first = ts_node_named_child(arguments, 0);
        const KindId first_kind = context.kind(first);
        if (first_kind == k.string_literal) return true;
        return (first_kind == k.qualified_identifier || first_kind == k.identifier) &&
               is_cpp_device_constant(model.qualified_name(first, context.ancestors()));
      }
      return name == "device" || name == "requires_grad" || name == "layout" || name == "memory_format";
    }
    return false;
  }
  return false;
}

bool is_literal_kind(KindId kind) {
  const CppKinds& k = cpp_kinds();
  return kind == k.number_literal || kind == k.string_literal || kind == k.raw_string_literal ||
         kind == k.concatenated_string || kind == k.char_literal || kind == k.user_defined_literal ||
         kind == k.true_ || kind == k.false_;
}

// Can the last argument of a LibTorch factory carry no dtype, by what the syntax shows?
bool cannot_carry_dtype(TSNode argument, const Context& context) {
  const CppKinds& k = cpp_kinds();
  const CppModel& model = *context.cpp();
  argument = unparenthesized_cpp(argument, context);
  const KindId kind = context.kind(argument);
  const std::string_view text = context.text(argument);
  if (text.find(".dtype(") != std::string_view::npos || text.find("::dtype(") != std::string_view::npos) return false;
  if (is_literal_kind(kind) || kind == k.initializer_list) return true;
  if (kind == k.binary_expression) {
    const std::string_view op = context.text(field_child(argument, "operator"));
    static constexpr std::string_view kArithmetic[] = {"+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^"};
    return std::find(std::begin(kArithmetic), std::end(kArithmetic), op) != std::end(kArithmetic);
  }
  if (kind == k.unary_expression) {
    const std::string_view op = context.text(field_child(argument, "operator"));
    return op == "-" || op == "+" || op == "~";
  }
  if (kind == k.identifier || kind == k.qualified_identifier) {
    return is_cpp_device_constant(model.qualified_name(argument, context.ancestors()));
  }
  if (kind == k.compound_literal_expression) {
    return is_device_class(model.qualified_name(field_child(argument, "type"), context.ancestors()));
  }
  if (kind == k.call_expression) {
    TSNode callee = field_child(argument, "function");
    if (context.kind(callee) != k.field_expression &&
        is_device_class(model.callee_name(argument, context.ancestors()))) {
      return true;
    }
    return is_options_without_dtype(argument, context);
  }
  return false;
}

// A decimal integer literal without suffix: `10`.
bool is_cpp_integer_literal(TSNode node, const Context& context) {
  if (context.kind(node) != cpp_kinds().number_literal) return false;
  const std::string_view text = context.text(node);
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The mechanical C++ cases: one-argument zeros/ones/empty/rand/randn/eye (the default dtype,
// unsafe); arange over integer literals, randperm(n) and randint(..., {size}) (int64, safe).
std::optional<Fix> cpp_dtype_fix(TSNode arguments, bool aten, std::string_view factory, std::uint32_t count,
                                 const Context& context) {
  if (count == 0) return std::nullopt;
  TSNode last = ts_node_named_child(arguments, count - 1);
  const std::string float32 = aten ? "at::kFloat" : "torch::kFloat32";
  const std::string int64 = aten ? "at::kLong" : "torch::kInt64";
  std::string dtype;
  Applicability applicability = Applicability::Safe;
  if (count == 1 && (factory == "zeros" || factory == "ones" || factory == "empty" || factory == "rand" ||
                     factory == "randn" || factory == "eye")) {
    dtype = float32;
    applicability = Applicability::Unsafe;
  } else if (factory == "arange" && count <= 3) {
    bool integers = true;
    for (std::uint32_t i = 0; i < count; ++i) integers = integers && is_cpp_integer_literal(ts_node_named_child(arguments, i), context);
    if (!integers) return std::nullopt;
    dtype = int64;
  } else if (factory == "randperm" && count == 1) {
    dtype = int64;
  } else if (factory == "randint" && (count == 2 || count == 3) && context.kind(last) == cpp_kinds().initializer_list) {
    dtype = int64;
  } else {
    return std::nullopt;
  }
  return make_fix("Add `" + dtype + "`", applicability, {insert_edit(ts_node_end_byte(last), ", " + dtype)});
}

// C++: `torch::` / `at::` + factory name (or `from_blob`) whose last argument cannot be a dtype.
void check_cpp(TSNode call, Context& context) {
  TSNode callee = field_child(call, "function");
  if (ts_node_is_null(callee) || context.kind(callee) == cpp_kinds().field_expression) return;
  const std::string qualified = context.cpp()->callee_name(call, context.ancestors());
  std::string_view rest;
  if (qualified.starts_with("torch::")) rest = std::string_view(qualified).substr(7);
  if (qualified.starts_with("at::")) rest = std::string_view(qualified).substr(4);
  if (rest.empty() || rest.find("::") != std::string_view::npos) return;
  if (!is_tensor_factory_name(rest) && rest != "from_blob") return;
  TSNode arguments = field_child(call, "arguments");
  if (ts_node_is_null(arguments)) return;
  const std::uint32_t count = ts_node_named_child_count(arguments);
  // LibTorch: only the last argument can be the options, and never the first.
  if (count >= 2 && !cannot_carry_dtype(ts_node_named_child(arguments, count - 1), context)) return;
  context.report(callee_name_node(callee),
                 "`" + qualified +
                     "` without a dtype takes the global default dtype; pass it explicitly (e.g. "
                     "`torch::kFloat32` or `torch::TensorOptions().dtype(torch::kFloat32)`)",
                 cpp_dtype_fix(arguments, qualified.starts_with("at::"), rest, count, context));
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

## Fix safety
The fix appends `dtype=<torch's own choice>` (spelled with the file's name for the `torch`
module), so behaviour is kept exactly where that choice is certain:

- Safe: `torch.arange` over integer literals (`torch.arange(5)` -> `dtype=torch.int64`);
  `torch.randint` and `torch.randperm` (always int64); `torch.tensor` / `as_tensor` /
  `asarray` of literal data that is all integers (int64) or all bools (`torch.bool`);
  `torch.full` with an integer (int64) or bool fill value.
- Unsafe: factories that take the global default dtype (`zeros`, `ones`, `empty`, `rand`,
  `randn`, `eye`, `linspace`, `logspace`, `empty_strided`, `scalar_tensor`, `range`, and
  float literal data or fill values, `torch.arange(5.0)`): `dtype=torch.float32` is only right
  while the program does not change the default with `torch.set_default_dtype`.
- Display-only: where the dtype depends on data the linter cannot see (`torch.tensor(values)`,
  `torch.arange(n)`, `torch.normal(...)`, `torch.sparse_coo_tensor(...)`), or where the file has
  no name for the `torch` module; the suggestion is shown, never applied.

No fix for a call with `out=`. In C++: one-argument `zeros` / `ones` / `empty` / `rand` /
`randn` / `eye` get `torch::kFloat32` (`at::kFloat` for `at::`) as unsafe; `arange` over integer
literals, `randperm(n)` and `randint(..., {size})` get `torch::kInt64` (`at::kLong`) as safe.

## Options
None. Suppress a deliberate default with `# noqa: TL201`.

## Guideline
Tensor Types: *Always specify dtype when creating tensors to ensure correct type (float32,
bfloat16, float16, etc.).*

## C++
In LibTorch sources the rule flags calls of `torch::` / `at::` + a factory name (the list above,
plus `from_blob`) that cannot carry a dtype. In LibTorch only a factory's last argument can be
its options, and never its first, so a call with one argument is flagged, and with two or more
the last argument decides. It is flagged when it is:

- a literal (`torch::full({2}, 1.5)`), a braced list (`torch::randint(0, 10, {5})`) or an
  arithmetic expression (`torch::arange(0, n * 2)`);
- a device: `torch::kCUDA`, `at::kCPU`, `torch::Device(...)`;
- a `TensorOptions` expression built in the call without `.dtype(...)`:
  `torch::TensorOptions().device(d)`, `torch::device(d)`, `torch::requires_grad()`.

It is not flagged when the last argument is a dtype constant (`torch::kFloat32`, `at::kHalf`,
`c10::ScalarType::BFloat16`), contains `.dtype(` or `torch::dtype(`, is `x.options()`, or is
anything whose type the syntax does not show (a variable such as `opts`, another call, a member,
a conditional, a cast). `torch::zeros_like(x)` and other `*_like` functions are not factories.
The diagnostic points at the factory's name (`zeros` in `torch::zeros`).

```cpp
auto a = torch::zeros({2, 3});
auto b = torch::ones({2}, torch::kCUDA);
auto c = torch::arange(10, torch::TensorOptions().device(device));
```

Use instead:
```cpp
auto a = torch::zeros({2, 3}, torch::kFloat32);
auto b = torch::ones({2}, torch::TensorOptions().dtype(torch::kFloat32).device(torch::kCUDA));
auto c = torch::arange(10, torch::TensorOptions().dtype(torch::kInt64).device(device));
auto d = torch::zeros({2}, x.options());
```
)md"},
      .python = {.kinds = {"call"}, .make = function_check<check_python>},
      .cpp = {.kinds = {"call_expression"}, .make = function_check<check_cpp>}};
  return rule;
}

}  // namespace torchlint::rules
