// TL701 hard-coded-device: "cuda" / "mps" / "xpu" literals placing tensors and modules.
#include <algorithm>
#include <array>
#include <string>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/semantic/cpp_model.h"
#include "linter/semantic/python_model.h"

namespace torchlint::rules {
namespace {

bool is_digits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "cuda", "cuda:N", "mps", "xpu", "xpu:N".
bool names_accelerator(std::string_view device) {
  if (device == "mps") return true;
  for (std::string_view type : {"cuda", "xpu"}) {
    if (device == type) return true;
    if (device.starts_with(type) && device.size() > type.size() && device[type.size()] == ':' &&
        is_digits(device.substr(type.size() + 1))) {
      return true;
    }
  }
  return false;
}

// A plain string literal ('cuda', "cuda:0", r"mps"); f-strings with replacement fields, bytes and
// implicit concatenations are not literals naming a device.
std::optional<std::string_view> literal_value(TSNode node, const Context& context) {
  const PyKinds& k = py_kinds();
  if (context.kind(node) != k.string) return std::nullopt;
  std::string_view content;
  const std::uint32_t count = ts_node_named_child_count(node);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(node, i);
    const KindId kind = context.kind(child);
    if (kind == k.interpolation || kind == k.escape_sequence) return std::nullopt;
    if (kind == k.string_content) content = context.text(child);
  }
  const std::string_view text = context.text(node);
  const std::size_t quote = text.find_first_of("'\"");
  if (quote == std::string_view::npos) return std::nullopt;
  for (char prefix : text.substr(0, quote)) {
    if (prefix == 'b' || prefix == 'B') return std::nullopt;
  }
  return content;
}

TSNode unparenthesized(TSNode node, const Context& context) {
  while (!ts_node_is_null(node) && context.kind(node) == py_kinds().parenthesized_expression &&
         ts_node_named_child_count(node) == 1) {
    node = ts_node_named_child(node, 0);
  }
  return node;
}

// The condition of `body if condition else alternative`: its second named child that is not a
// comment (a parenthesised conditional may hold comments between its parts).
TSNode conditional_condition(TSNode conditional, const Context& context) {
  std::uint32_t seen = 0;
  const std::uint32_t count = ts_node_named_child_count(conditional);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode child = ts_node_named_child(conditional, i);
    if (context.kind(child) == py_kinds().comment) continue;
    if (++seen == 2) return child;
  }
  return {};
}

// True when `node` (the keyword or call being visited) lies inside a branch — not the
// condition — of a conditional expression of the same statement:
// `torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")` chooses a device.
bool inside_conditional_branch(TSNode node, const Context& context) {
  const PyKinds& k = py_kinds();
  const auto& ancestors = context.ancestors();
  TSNode child = node;
  for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) {
    const KindId kind = context.kind(*it);
    if (kind == k.block || kind == k.module || kind == k.lambda || kind == k.function_definition) return false;
    if (kind == k.conditional_expression && !ts_node_eq(conditional_condition(*it, context), child) &&
        context.kind(child) != k.comment) {
      return true;
    }
    child = *it;
  }
  return false;
}

// `visited`: the keyword argument or call whose argument `value` is.
void report_if_accelerator(TSNode visited, TSNode value, Context& context) {
  value = unparenthesized(value, context);
  if (ts_node_is_null(value)) return;
  auto device = literal_value(value, context);
  if (!device || !names_accelerator(*device)) return;
  // A literal that is itself a branch (`device="cuda" if ok else "cpu"`) is not a string value
  // here; one inside a branch (`torch.device("cuda") if ok else torch.device("cpu")`) is skipped.
  if (inside_conditional_branch(visited, context)) return;
  context.report(value, "hard-coded device \"" + std::string(*device) +
                            "\"; pass the device in (a `device` parameter, `x.device`) so the code runs on CPU "
                            "and any accelerator");
}

TSNode first_positional(TSNode arguments, const Context& context) {
  const PyKinds& k = py_kinds();
  if (ts_node_is_null(arguments) || context.kind(arguments) != k.argument_list) return {};
  const std::uint32_t count = ts_node_named_child_count(arguments);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode argument = ts_node_named_child(arguments, i);
    const KindId kind = context.kind(argument);
    if (kind == k.comment) continue;
    if (kind == k.keyword_argument || kind == k.list_splat || kind == k.dictionary_splat) return {};
    return argument;
  }
  return {};
}

// `device="cuda"` in any call.
void check_keyword(TSNode keyword, Context& context) {
  if (context.text(field_child(keyword, "name")) != "device") return;
  report_if_accelerator(keyword, field_child(keyword, "value"), context);
}

// `x.to("cuda")`, `torch.device("cuda:0")`.
void check_call(TSNode call, Context& context) {
  TSNode callee = field_child(call, "function");
  if (ts_node_is_null(callee)) return;
  bool placing = false;
  if (context.kind(callee) == py_kinds().attribute && context.text(field_child(callee, "attribute")) == "to") {
    placing = true;
  } else if (auto qualified = context.py().qualified_name(callee); qualified && *qualified == "torch.device") {
    placing = true;
  }
  if (!placing) return;
  TSNode first = first_positional(field_child(call, "arguments"), context);
  if (!ts_node_is_null(first)) report_if_accelerator(call, first, context);
}

void check_python(TSNode node, Context& context) {
  if (context.kind(node) == py_kinds().keyword_argument) {
    check_keyword(node, context);
  } else {
    check_call(node, context);
  }
}

// ----- C++ -----

// Comparing or choosing a device is not placing one: inside a `?:` branch, an operand of `==` /
// `!=`, or a `case` label. Walks up from `node` to the enclosing statement.
bool is_exempt_cpp_context(TSNode node, const Context& context) {
  const CppKinds& k = cpp_kinds();
  const auto& ancestors = context.ancestors();
  TSNode child = node;
  for (auto it = ancestors.rbegin(); it != ancestors.rend(); ++it) {
    const KindId kind = context.kind(*it);
    if (kind == k.conditional_expression && !ts_node_eq(field_child(*it, "condition"), child)) return true;
    if (kind == k.binary_expression) {
      const std::string_view op = context.text(field_child(*it, "operator"));
      if (op == "==" || op == "!=") return true;
    }
    if (kind == k.case_statement) return ts_node_eq(field_child(*it, "value"), child);
    if (kind == k.compound_statement || kind == k.function_definition || kind == k.lambda_expression ||
        kind == k.translation_unit) {
      return false;
    }
    child = *it;
  }
  return false;
}

// `torch::kCUDA`, `at::kCUDA`, `c10::kCUDA`, `c10::DeviceType::CUDA` (and `at::` / `torch::`
// DeviceType), however `using` spells them; `identifier` is the last name of the constant.
void check_cpp_constant(TSNode identifier, Context& context) {
  const std::string_view name = context.text(identifier);
  if (name != "kCUDA" && name != "CUDA") return;
  // The whole constant: climb while the parent is the qualified name holding this one.
  const CppKinds& k = cpp_kinds();
  const auto& ancestors = context.ancestors();
  TSNode constant = identifier;
  std::size_t depth = ancestors.size();
  while (depth > 0 && context.kind(ancestors[depth - 1]) == k.qualified_identifier) constant = ancestors[--depth];
  const std::string qualified = context.cpp()->qualified_name(constant, context.ancestors());
  static constexpr std::array<std::string_view, 6> kConstants = {
      "torch::kCUDA", "at::kCUDA", "c10::kCUDA", "c10::DeviceType::CUDA", "at::DeviceType::CUDA",
      "torch::DeviceType::CUDA"};
  if (std::find(kConstants.begin(), kConstants.end(), qualified) == kConstants.end()) return;
  if (is_exempt_cpp_context(constant, context)) return;
  context.report(constant, "hard-coded device `" + std::string(context.text(constant)) +
                               "`; pick the device at run time (e.g. `torch::cuda::is_available() ? "
                               "torch::kCUDA : torch::kCPU`) and pass it in");
}

bool is_device_type(std::string_view qualified) {
  return qualified == "torch::Device" || qualified == "at::Device" || qualified == "c10::Device";
}

// Is the argument list / braces a string sits in (the innermost ancestor) a device
// construction or `.to(...)`?
bool places_a_device(const Context& context) {
  const CppKinds& k = cpp_kinds();
  const CppModel& model = *context.cpp();
  const auto& ancestors = context.ancestors();
  // ancestors.back() is `holder`; the node above it decides.
  if (ancestors.size() < 2) return false;
  TSNode owner = ancestors[ancestors.size() - 2];
  const KindId kind = context.kind(owner);
  if (kind == k.call_expression) {
    TSNode callee = field_child(owner, "function");
    if (context.kind(callee) == k.field_expression) return context.text(callee_name_node(callee)) == "to";
    const std::string qualified = model.callee_name(owner, ancestors);
    return is_device_type(qualified) || qualified == "torch::device" || qualified == "at::device";
  }
  if (kind == k.compound_literal_expression) {
    return is_device_type(model.qualified_name(field_child(owner, "type"), ancestors));
  }
  if (kind == k.init_declarator && ancestors.size() >= 3) {
    // torch::Device device("cuda:0");  /  torch::Device device{"cuda"};
    TSNode declaration = ancestors[ancestors.size() - 3];
    return context.kind(declaration) == k.declaration &&
           is_device_type(model.qualified_name(field_child(declaration, "type"), ancestors));
  }
  return false;
}

// A "cuda..." string literal given to torch::Device / torch::device / `.to(...)`.
void check_cpp_string(TSNode literal, Context& context) {
  const CppKinds& k = cpp_kinds();
  const std::string_view text = context.text(literal);
  if (!text.starts_with("\"cuda")) return;
  TSNode holder = context.parent();
  if (context.kind(holder) != k.argument_list && context.kind(holder) != k.initializer_list) return;
  if (!places_a_device(context)) return;
  if (is_exempt_cpp_context(literal, context)) return;
  context.report(literal, "hard-coded device " + std::string(text) +
                              "; pick the device at run time (e.g. `torch::cuda::is_available() ? torch::kCUDA "
                              ": torch::kCPU`) and pass it in");
}

void check_cpp(TSNode node, Context& context) {
  if (context.kind(node) == cpp_kinds().string_literal) {
    check_cpp_string(node, context);
  } else {
    check_cpp_constant(node, context);
  }
}

}  // namespace

const Rule& tl701_hard_coded_device() {
  static const Rule rule{
      .info = {.code = "TL701",
               .name = "hard-coded-device",
               .level = Level::Warning,
               .section = "Device Placement",
               .summary = "Hard-coded accelerator device (`\"cuda\"`, `\"mps\"`, `\"xpu\"`)",
               .docs = R"md(## What it does
Python: flags a string literal naming an accelerator — `"cuda"`, `"cuda:N"`, `"mps"`, `"xpu"`,
`"xpu:N"` (N a number) — used

- as the value of a `device=` keyword argument of any call (`torch.zeros(3, device="cuda")`),
- as the first positional argument of a `.to(...)` call (`model.to("cuda")`), or
- as the first positional argument of `torch.device(...)` (`torch.device("cuda", 0)`), however
  `torch` was imported.

Not flagged:

- a literal that is a branch of a conditional expression, or inside one of its branches in the
  same statement: `device = "cuda" if torch.cuda.is_available() else "cpu"` and
  `torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")` choose a device,
  they do not hard-code one (a literal in the condition itself, or in a lambda within a branch,
  is still flagged);
- `"cpu"`, `"meta"`, and other strings;
- comparisons (`if device == "cuda":`), default values of parameters
  (`def run(device: str = "cuda")`), command-line defaults;
- f-strings with replacement fields (`f"cuda:{rank}"`: the index comes from the environment),
  bytes literals and implicitly concatenated strings.

## Why is this bad?
The guidelines ask for *dynamic device placement that works across CPU/GPU*. A literal `"cuda"`
crashes on a machine without a GPU (CI runners, laptops, Apple silicon with `mps`), ignores the
device the caller chose, and with `"cuda:0"` puts every rank of a distributed job on the same
GPU.

## Example
```python
def make_grid(height: int, width: int) -> torch.Tensor:
    return torch.zeros(height, width, dtype=torch.float32, device="cuda")

model.to("cuda")
```

Use instead:
```python
def make_grid(height: int, width: int, device: torch.device) -> torch.Tensor:
    return torch.zeros(height, width, dtype=torch.float32, device=device)

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model.to(device)
```

## Options
None.

## Guideline bullet it enforces
*Device Placement*: "Implement dynamic device placement that works across CPU/GPU".

## C++
In LibTorch sources the rule flags the CUDA device constants `torch::kCUDA`, `at::kCUDA`,
`c10::kCUDA` and `c10::DeviceType::CUDA` (also `at::` / `torch::DeviceType::CUDA`, and the same
names shortened by `using namespace torch;` or an enclosing `namespace at`), and a `"cuda..."`
string literal given to `torch::Device` / `at::Device` / `c10::Device` (a call, a braced
temporary, or a declaration `torch::Device device("cuda:0");`), `torch::device(...)` or
`.to(...)`. It is reported where the constant or literal is written.

Not flagged — comparing or choosing a device is not placing one — when the constant or literal
is inside a branch of a `?:` conditional, an operand of `==` / `!=`, or a `case` label:

```cpp
const torch::Device device(torch::cuda::is_available() ? torch::kCUDA : torch::kCPU);
if (x.device().type() == torch::kCUDA) { /* ... */ }
switch (x.device().type()) { case c10::DeviceType::CUDA: break; default: break; }
```

Example:
```cpp
auto x = torch::zeros({2, 3}, torch::TensorOptions().dtype(torch::kFloat32).device(torch::kCUDA));
model->to(torch::Device("cuda:0"));
```

Use instead:
```cpp
torch::Tensor make(const torch::Device& device) {
  return torch::zeros({2, 3}, torch::TensorOptions().dtype(torch::kFloat32).device(device));
}
```
)md"},
      .python = {.kinds = {"call", "keyword_argument"}, .make = function_check<check_python>},
      .cpp = {.kinds = {"identifier", "string_literal"}, .make = function_check<check_cpp>}};
  return rule;
}

}  // namespace torchlint::rules
