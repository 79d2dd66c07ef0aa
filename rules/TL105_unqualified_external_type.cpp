// TL105 unqualified-external-type: bare third-party names in annotations.
#include <memory>
#include <optional>
#include <string>

#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/run/fix_helpers.h"
#include "linter/semantic/import_origin.h"
#include "linter/semantic/python_annotations.h"
#include "linter/semantic/python_model.h"
#include "linter/semantic/python_signature.h"

namespace torchlint::rules {
namespace {

class UnqualifiedExternalType final : public Check {
 public:
  void enter(TSNode node, Context& context) override {
    const PyKinds& k = py_kinds();
    if (context.kind(node) == k.assignment) {
      check_annotation(field_child(node, "type"), context);
      return;
    }
    const FunctionInfo* info = context.py().function(node);
    if (info == nullptr) return;
    for (const ParameterInfo& parameter : signature_parameters(context.py(), *info)) {
      check_annotation(parameter.annotation, context);
    }
    check_annotation(return_annotation(*info), context);
  }

 private:
  void check_annotation(TSNode annotation, Context& context) {
    if (ts_node_is_null(annotation)) return;
    for_each_bare_annotation_name(annotation, [&](TSNode name) { check_name(name, context); });
  }

  void check_name(TSNode name, Context& context) {
    const auto& imports = context.py().imports();
    auto it = imports.find(std::string(context.text(name)));
    if (it == imports.end() || !it->second.from_import) return;
    const ImportBinding& binding = it->second;
    if (classifier(context).classify(binding.module) != ImportOrigin::ThirdParty) return;
    context.report(name,
                   "`" + std::string(context.text(name)) + "` is imported from third-party `" + binding.module +
                       "`; write the qualified `" + binding.qualified + "` in annotations",
                   qualify_fix(name, binding, context));
  }

  // Safe when a plain module-level `import` of the module or a parent package is there
  // (`import torch` -> `torch.Tensor`, `import torch.nn as nn` -> `nn.Module`); unsafe when
  // the import has to be added (before the `from` import, same indentation).
  static std::optional<Fix> qualify_fix(TSNode name, const ImportBinding& binding, const Context& context) {
    if (binding.module.empty() || binding.module.starts_with('.') ||
        binding.qualified.size() <= binding.module.size() + 1) {
      return std::nullopt;
    }
    const std::string imported = binding.qualified.substr(binding.module.size() + 1);
    std::optional<std::string> best;
    std::size_t best_length = 0;
    for (const auto& [local, other] : context.py().imports()) {
      if (other.from_import || !is_module_level(other.node)) continue;
      // Annotations are evaluated where they stand: the import must come first.
      if (ts_node_start_byte(other.node) > ts_node_start_byte(name)) continue;
      const std::string& module = other.qualified;
      if (binding.module != module && !binding.module.starts_with(module + ".")) continue;
      if (best && (module.size() < best_length || (module.size() == best_length && local > *best))) continue;
      best = local + binding.module.substr(module.size()) + "." + imported;
      best_length = module.size();
    }
    if (best) {
      return make_fix("Qualify as `" + *best + "`", Applicability::Safe, {replace_edit(name, *best)});
    }
    const std::string top = binding.module.substr(0, binding.module.find('.'));
    if (context.py().is_bound(top) || ts_node_is_null(binding.node)) return std::nullopt;
    // The import goes on its own line before the `from` import, which must start its line.
    const std::string_view text = context.source().text();
    const std::uint32_t start = ts_node_start_byte(binding.node);
    std::uint32_t line_start = start;
    while (line_start > 0 && text[line_start - 1] != '\n') --line_start;
    const std::string_view indent = text.substr(line_start, start - line_start);
    if (indent.find_first_not_of(" \t") != std::string_view::npos) return std::nullopt;
    const std::string import_line = "import " + top + std::string(line_ending(text)) + std::string(indent);
    return make_fix("Add `import " + top + "` and qualify as `" + binding.qualified + "`", Applicability::Unsafe,
                    {insert_edit(start, import_line), replace_edit(name, binding.qualified)});
  }

  ImportClassifier& classifier(Context& context) {
    if (!classifier_) classifier_.emplace(context.settings(), context.source().path());
    return *classifier_;
  }

  std::optional<ImportClassifier> classifier_;
};

}  // namespace

const Rule& tl105_unqualified_external_type() {
  static const Rule rule{
      .info = {.code = "TL105",
               .name = "unqualified-external-type",
               .level = Level::Warning,
               .section = "Type Annotations",
               .summary = "Third-party type used by its bare name in an annotation",
               .docs = R"md(## What it does
Python: flags a bare name used inside an annotation — a parameter or return annotation, or a
variable annotation (`x: Tensor = ...`, NamedTuple and dataclass fields), at any nesting depth
(`list[Tensor]`, `Optional[Image]`, `Float[Tensor, "b n"]`) — when the name is bound by
`from M import N` or `from M import N as A` and the top-level package of `M` is third-party:

- not a standard-library module (any CPython from 3.8 to 3.13);
- not a relative import (`from .models import Backbone`);
- not first-party: a top-level module or package found at the project root, in a configured
  `src` directory, or in the same directory as the importing file (`from models import Net`
  next to `models.py` or a `models/` directory);
- not `jaxtyping`, `typing_extensions` or `__future__`, whose names are meant to be used bare.

The first name of a dotted name is not bare (`nn` in `nn.Module`, `tv_tensors` in
`tv_tensors.Image`), nor are attribute names. String annotations (`"Tensor"`) and the metadata
of `Annotated[...]` (calls such as `Field(gt=0)`) are not inspected. Each use is one diagnostic,
at the name.

## Why is this bad?
The guidelines ask to *reference external types with their full package names*:
`tv_tensors.Image`, `torch.Tensor`, `np.ndarray`. A bare `Image` could be a PIL image, a
torchvision `tv_tensors.Image` or a local class; a bare `Tensor` could come from torch,
TensorFlow or jaxtyping. The qualified form says which, at the point of use.

## Example
```python
import numpy as np
from torch import Tensor
from torchvision.tv_tensors import Image

def to_numpy(image: Image, mask: Optional[Tensor] = None) -> np.ndarray:
    ...
```

Use instead:
```python
import numpy as np
import torch
from torchvision import tv_tensors

def to_numpy(image: tv_tensors.Image, mask: Optional[torch.Tensor] = None) -> np.ndarray:
    ...
```

## Fix safety
- Safe: the bare name is replaced by its qualified form when the file imports the module or
  a parent package with a plain module-level `import` (`import torch` gives `torch.Tensor`,
  `import numpy as np` gives `np.ndarray`, `import torch.nn as nn` gives `nn.Module`).
- Unsafe: otherwise `import <package>` is added on its own line just before the `from`
  import (same indentation) and the name is replaced by the full dotted name
  (`torch.Tensor`). Unsafe because it adds an import (and its side effects) to the file.
  No fix when the package's name is already bound to something else in the file.

The `from M import N` line is left in place (other code may use `N`).

## Options
- `src` (top-level key): directories, relative to the project root, whose top-level modules
  and packages are first-party (besides the project root and the importing file's directory).

## Guideline
*Type Annotations*: "Reference external types with their full package names:
`tv_tensors.Image`, `torch.Tensor`, `np.ndarray`, etc."
)md"},
      .python = {.kinds = {"function_definition", "assignment"}, .make = make_check<UnqualifiedExternalType>},
      .cpp = {}};
  return rule;
}

}  // namespace torchlint::rules
