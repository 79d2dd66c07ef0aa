#pragma once
// What one Python file contributes to the project-level TL9 rules: the losses it
// defines and the tests it contains (catalog, TL9).
#include <tree_sitter/api.h>

#include <set>
#include <string>
#include <vector>

#include "linter/source/source_file.h"

namespace torchlint {

class PythonModel;

struct LossDefinition {
  std::string name;
  std::uint32_t start_byte = 0;  // the name identifier
  std::uint32_t end_byte = 0;
  bool is_class = false;
  Range range;                   // filled by the runner from the file's line index
};

struct TestFunction {
  std::string file;                      // display path
  std::string name;                      // "TestFocal.test_backward" for methods
  std::set<std::string> referenced;      // identifiers and (non-torch) attribute names in the body
  bool calls_backward = false;           // .backward(, torch.autograd.grad / gradcheck
  bool distributed = false;              // @pytest.mark.distributed or torch.distributed / torch.multiprocessing use
  bool dtype_parametrized = false;
  std::set<std::string> dtypes;          // canonical "torch.float32", "torch.bfloat16", ...
};

struct FileFacts {
  std::vector<LossDefinition> losses;  // only for non-test files
  std::vector<TestFunction> tests;     // only for test files
};

// Canonical dtype name for a qualified name (`torch.half` -> `torch.float16`), empty if not a dtype.
std::string canonical_dtype(std::string_view qualified);

FileFacts extract_file_facts(const PythonModel& model, TSNode root, std::string_view source, bool is_test_file,
                             const std::string& display_path);

}  // namespace torchlint
