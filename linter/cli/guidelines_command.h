#pragma once
// `torchlint guidelines`: the map from each bullet of the PyTorch coding guidelines to the
// rules that enforce it, or why it cannot be checked statically. The map is data here.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace torchlint {

enum class Coverage {
  Checked,   // the rules enforce the bullet as far as source code can show it
  Partly,    // the rules check the part that is visible in source; the rest is judgement or run time
  Unchecked  // nothing in the source decides it
};

struct GuidelineBullet {
  std::string_view section;  // "Model State"
  std::string_view text;     // the bullet as the guidelines word it
  std::vector<std::string_view> codes;
  Coverage coverage = Coverage::Checked;
  std::string_view note;     // how the rules cover it, or why it cannot be checked
};

// Every bullet of the guidelines, in document order.
std::span<const GuidelineBullet> guideline_map();

// Renders the map: "text" (readable) or "json".
std::string guidelines_text();
std::string guidelines_json();

// Prints the map; returns the exit status.
int run_guidelines_command(std::string_view output_format);

}  // namespace torchlint
