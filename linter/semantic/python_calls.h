#pragma once
// The same-file call graph of a Python file, by name: which functions a function calls as
// `name(...)` or `self.name(...)`, which call it, and whether it refers to a qualified name
// under a package (TL301: `torch.distributed`). Facts of a nested function also hold for the
// functions around it (they are lexically part of them).
#include <tree_sitter/api.h>

#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace torchlint {

class PythonModel;
struct FunctionInfo;
struct ClassInfo;

struct FunctionCallFacts {
  std::unordered_set<std::string_view> called_names;        // `name(...)`
  std::unordered_set<std::string_view> self_method_calls;   // `self.name(...)`
  bool refers_to_distributed = false;                       // a qualified name under torch.distributed
};

class PythonCallGraph {
 public:
  PythonCallGraph(const PythonModel& model, TSNode root);

  [[nodiscard]] const FunctionCallFacts& facts(const FunctionInfo& function) const;
  // Functions of the file that `function` calls directly by name (`helper(...)` for functions
  // outside classes, `self.helper(...)` for methods of its own class).
  [[nodiscard]] std::vector<const FunctionInfo*> callees(const FunctionInfo& function) const;
  // Functions of the file that call `function` directly by name.
  [[nodiscard]] std::vector<const FunctionInfo*> callers(const FunctionInfo& function) const;

 private:
  [[nodiscard]] bool calls(const FunctionInfo& caller, const FunctionInfo& callee) const;

  const PythonModel& model_;
  std::unordered_map<const FunctionInfo*, FunctionCallFacts> facts_;
};

// The class whose method `function` is, or is nested in (null for plain functions).
const ClassInfo* owning_class(const FunctionInfo& function);

// True when `qualified` is `package` or a name under it ("torch.distributed.all_reduce").
bool is_under(std::string_view qualified, std::string_view package);

}  // namespace torchlint
