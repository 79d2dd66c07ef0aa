#include "linter/cli/guidelines_command.h"

#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "linter/run/rule.h"

namespace torchlint {
namespace {

using enum Coverage;

// The guidelines document, bullet by bullet (sub-bullets of "Write comprehensive tests for loss
// functions" included), with the rules that enforce each one.
const std::vector<GuidelineBullet>& bullets() {
  static const std::vector<GuidelineBullet> map = {
      {"Type Annotations", "Use extensive type hints for all function signatures and variables",
       {"TL101", "TL102"}, Partly,
       "Every parameter and return of a def must be annotated. Local variables are not required to be: "
       "their types are inferred, and demanding annotations on every assignment would bury real findings."},
      {"Type Annotations",
       "Prefer NamedTuples or named arguments over hidden tuples for inputs (better for ONNX export and "
       "readability)",
       {"TL103", "TL104", "TL804"}, Checked,
       "Tuple-typed parameters and tuple returns are flagged (TL104, TL103); a forward's *args/**kwargs too "
       "(TL804)."},
      {"Type Annotations",
       "Reference external types with their full package names: tv_tensors.Image, torch.Tensor, np.ndarray, etc.",
       {"TL105"}, Checked,
       "A bare name imported from a third-party package and used in an annotation is flagged."},

      {"Tensor Types",
       "Always specify dtype when creating tensors to ensure correct type (float32, bfloat16, float16, etc.)",
       {"TL201"}, Checked, "Tensor factories without dtype= (Python) or without a dtype in their options (C++)."},
      {"Tensor Types", "Use jaxtyping for shape annotations when possible, otherwise add inline comments",
       {"TL202"}, Checked,
       "A plain torch.Tensor parameter or return needs its shape in the docstring or a `# Shape:` comment."},
      {"Tensor Types", "Example: forward(image, boxes) with `# Shape: (B, H, W, C)` and `# dtype:` comments", {},
       Unchecked, "An illustration of the two bullets above; TL201 and TL202 check what it shows."},

      {"Torch Distributed", "Ensure all code supports distributed training", {"TL301", "TL302"}, Partly,
       "Whether code works under DDP/FSDP depends on how it is launched and wrapped at run time; the rules "
       "check the visible parts: losses that reduce without distributed handling, collectives on `.data`."},
      {"Torch Distributed", "Loss functions must correctly handle distributed tensors", {"TL301"}, Partly,
       "A loss that reduces (mean/sum) must refer to torch.distributed itself, or be called by (or call) a "
       "function that does. Whether the arithmetic is right is not visible statically."},
      {"Torch Distributed", "Use torch.distributed.all_reduce or similar as needed for gathering/scattering",
       {"TL301", "TL302"}, Partly,
       "\"As needed\" is judgement; the rules flag reducing losses with no collective in reach (TL301) and "
       "collectives that mutate `.data` behind autograd's back (TL302)."},
      {"Torch Distributed", "Implement proper gradient synchronization", {"TL302"}, Partly,
       "Gradient synchronisation is mostly DDP's job at run time (no_sync, bucketing); statically only a "
       "collective on `.data`, which autograd never sees, can be flagged."},

      {"Code Structure",
       "Decompose logic into small, meaningful functions: image_to_numpy, bounding_box_to_numpy, etc.",
       {"TL401", "TL402"}, Partly,
       "Size (statements) and McCabe complexity are measured; whether a function's name is meaningful is "
       "judgement."},
      {"Code Structure", "Write code that reads like plain English", {}, Unchecked,
       "Readability is a human judgement: no syntax pattern decides whether code reads like plain English."},
      {"Code Structure", "Avoid monolithic functions with multiple responsibilities", {"TL401", "TL402"}, Partly,
       "Long and branchy functions are flagged; counting responsibilities needs understanding of intent."},

      {"Operations", "Never use inplace operations (x.add_() etc.) unless explicitly requested",
       {"TL501", "TL502", "TL503", "TL504", "TL505"}, Checked,
       "In-place methods and functions, inplace=True, out=, augmented and item assignment to tensors. A "
       "`# noqa: TL5xx` (`// NOLINT(TL5xx)`) is how code explicitly requests one."},
      {"Operations", "Use functional style operations where possible", {"TL501", "TL502", "TL503", "TL504", "TL505"},
       Partly, "Mutation of tensors is what the rules flag; \"where possible\" beyond that is judgement."},
      {"Operations", "Example: `result = x * y + z` is OK, `result.add_(1)` is NOT OK unless explicitly requested",
       {"TL501"}, Checked, "The example's in-place call is exactly what TL501 flags."},

      {"Model State", "Use model.requires_grad_(False) when freezing model parameters", {"TL601"}, Checked,
       "Assignments to `.requires_grad` are flagged."},
      {"Model State", "Always call model.eval() for inference", {}, Unchecked,
       "Whether a code path is inference, and whether eval() ran on that module object earlier (possibly in "
       "another function or file), is decided at run time; TL602 and TL603 check the no-grad half of inference."},
      {"Model State", "Wrap inference in torch.no_grad() or use torch.inference_mode()", {"TL602", "TL603"}, Checked,
       "A module called after its eval() outside a no-grad context (TL602), and inference functions "
       "(predict, infer, ...) without no_grad/inference_mode (TL603)."},

      {"Device Placement", "Implement dynamic device placement that works across CPU/GPU",
       {"TL701", "TL702", "TL703"}, Checked,
       "Hard-coded accelerator strings, .cuda() calls, and factories in a forward that ignore the input's device."},
      {"Device Placement", "Use to(device) appropriately during tensor creation and operations",
       {"TL702", "TL703"}, Partly,
       "`.cuda()` instead of `.to(device)` and factories without device= in forwards are flagged; whether every "
       "other tensor is on the right device is known only at run time."},

      {"ONNX Export", "Design models to be ONNX exportable when possible",
       {"TL801", "TL802", "TL803", "TL804"}, Partly,
       "The common export breakers visible in source are flagged: tensor-to-Python conversions, data-dependent "
       "control flow, dict outputs, variadic forwards. Operator support depends on the opset and is only known "
       "by exporting."},
      {"ONNX Export", "Avoid dynamic shapes that can't be represented in ONNX", {"TL801", "TL802"}, Partly,
       "Shapes are run-time values; branching on tensor values and converting them to Python numbers are the "
       "static signs."},
      {"ONNX Export", "Use NamedTuples or named arguments for input/output to maintain compatibility",
       {"TL803", "TL804", "TL103"}, Checked,
       "Dict outputs of forwards (TL803), variadic forwards (TL804), hidden tuple returns (TL103)."},

      {"Testing", "Write comprehensive tests for loss functions covering:", {"TL901"}, Checked,
       "Every public loss must be referred to by a test function in the project."},
      {"Testing", "Forward pass correctness", {"TL901"}, Partly,
       "A test must call the loss; whether its assertions check the right values is judgement."},
      {"Testing", "Backward pass gradient flow", {"TL903"}, Checked,
       "Some test of the loss must call .backward(), torch.autograd.grad or gradcheck."},
      {"Testing", "Different dtypes (float32, bfloat16, float16)", {"TL902"}, Checked,
       "The tests' dtype parametrisations must cover the three dtypes (and any required-dtypes)."},
      {"Testing", "Distributed scenarios", {"TL904"}, Checked,
       "Some test of the loss must be marked distributed or use torch.distributed / torch.multiprocessing."},
      {"Testing", "Verify that loss values are properly aggregated in distributed settings", {"TL904", "TL301"},
       Partly,
       "A distributed test must exist (TL904) and the loss must handle distribution (TL301); whether the test "
       "checks the aggregated value is judgement."},
  };
  return map;
}

std::string_view coverage_name(Coverage coverage) {
  switch (coverage) {
    case Checked: return "checked";
    case Partly: return "partly checked";
    case Unchecked: return "not checkable statically";
  }
  return "";
}

// "TL601 requires-grad-assignment", or the bare code when this build lacks the rule.
std::string describe_code(std::string_view code) {
  const Rule* rule = find_rule(code);
  if (rule == nullptr) return std::string(code) + " (not in this build)";
  return std::string(code) + " " + std::string(rule->info.name);
}

// Wraps `text` at `width` columns: the first line starts with `first`, the others with `indent`.
std::string wrap(std::string_view text, std::string_view first, std::string_view indent, std::size_t width = 100) {
  std::string out;
  std::string line(first);
  std::istringstream words{std::string(text)};
  std::string word;
  bool line_empty = true;
  while (words >> word) {
    if (!line_empty && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line = std::string(indent);
      line_empty = true;
    }
    if (!line_empty) line += ' ';
    line += word;
    line_empty = false;
  }
  if (!line_empty) out += line + "\n";
  return out;
}

}  // namespace

std::span<const GuidelineBullet> guideline_map() { return bullets(); }

std::string guidelines_text() {
  std::ostringstream out;
  out << "PyTorch coding guidelines and the torchlint rules that enforce them\n";
  std::string_view section;
  for (const GuidelineBullet& bullet : guideline_map()) {
    if (bullet.section != section) {
      section = bullet.section;
      out << "\n## " << section << "\n";
    }
    out << "\n" << wrap(bullet.text, "- ", "  ");
    out << "  [" << coverage_name(bullet.coverage) << "]";
    if (!bullet.codes.empty()) {
      out << " ";
      for (std::size_t i = 0; i < bullet.codes.size(); ++i) {
        out << (i ? ", " : "") << describe_code(bullet.codes[i]);
      }
    }
    out << "\n" << wrap(bullet.note, "  ", "  ");
  }
  return out.str();
}

std::string guidelines_json() {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const GuidelineBullet& bullet : guideline_map()) {
    nlohmann::ordered_json rules = nlohmann::ordered_json::array();
    for (std::string_view code : bullet.codes) {
      const Rule* rule = find_rule(code);
      rules.push_back({{"code", code}, {"name", rule ? rule->info.name : std::string_view()}});
    }
    list.push_back({{"section", bullet.section},
                    {"guideline", bullet.text},
                    {"coverage", coverage_name(bullet.coverage)},
                    {"rules", rules},
                    {"note", bullet.note}});
  }
  return list.dump(2) + "\n";
}

int run_guidelines_command(std::string_view output_format) {
  std::cout << (output_format == "json" ? guidelines_json() : guidelines_text());
  return 0;
}

}  // namespace torchlint
