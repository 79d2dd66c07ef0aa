#pragma once
// What a rule sees while the walk visits a node: the file, its semantic model, the
// enclosing scopes and grad-mode, the settings, and report().
#include <tree_sitter/api.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linter/config/settings.h"
#include "linter/parse/kinds.h"
#include "linter/run/diagnostic.h"
#include "linter/run/rule.h"
#include "linter/source/source_file.h"

namespace torchlint {

class PythonModel;
class CppModel;
struct FunctionInfo;
struct ClassInfo;

class Context {
 public:
  Context(const SourceFile& source, const Settings& settings, const KindTable& kinds)
      : source_(source), settings_(settings), kinds_(kinds) {}

  [[nodiscard]] const SourceFile& source() const { return source_; }
  [[nodiscard]] const Settings& settings() const { return settings_; }
  [[nodiscard]] std::string_view text(TSNode node) const {
    return source_.slice(ts_node_start_byte(node), ts_node_end_byte(node));
  }
  [[nodiscard]] KindId kind(TSNode node) const { return kinds_.of(node); }
  [[nodiscard]] const KindTable& kinds() const { return kinds_; }

  // Python only (null for C++ files).
  [[nodiscard]] const PythonModel* python() const { return python_; }
  [[nodiscard]] const PythonModel& py() const { return *python_; }
  // C++ only (null for Python files).
  [[nodiscard]] const CppModel* cpp() const { return cpp_; }

  // Innermost enclosing Python def (null at module level), its class, and whether it is a forward.
  [[nodiscard]] const FunctionInfo* function() const { return functions_.empty() ? nullptr : functions_.back(); }
  [[nodiscard]] const std::vector<const FunctionInfo*>& function_stack() const { return functions_; }
  [[nodiscard]] bool in_forward() const;
  // Lexically inside `with torch.no_grad()` (and friends) or a no-grad-decorated function.
  [[nodiscard]] bool in_no_grad() const { return no_grad_depth_ > 0; }
  // Ancestors of the current node, outermost first (the node itself excluded).
  [[nodiscard]] const std::vector<TSNode>& ancestors() const { return ancestors_; }
  [[nodiscard]] TSNode parent() const { return ancestors_.empty() ? TSNode{} : ancestors_.back(); }

  // Report for the rule being dispatched, at `node` (or an explicit byte span).
  void report(TSNode node, std::string message, std::optional<Fix> fix = std::nullopt);
  void report_span(std::uint32_t start, std::uint32_t end, std::string message, std::optional<Fix> fix = std::nullopt);

  // --- used by the runner ---
  void set_python(const PythonModel* model) { python_ = model; }
  void set_cpp(const CppModel* model) { cpp_ = model; }
  void set_rule(const Rule* rule) { rule_ = rule; }
  std::vector<TSNode>& mutable_ancestors() { return ancestors_; }
  std::vector<const FunctionInfo*>& mutable_functions() { return functions_; }
  int& no_grad_depth() { return no_grad_depth_; }
  int& error_depth() { return error_depth_; }
  std::vector<Diagnostic>& diagnostics() { return diagnostics_; }

 private:
  const SourceFile& source_;
  const Settings& settings_;
  const KindTable& kinds_;
  const PythonModel* python_ = nullptr;
  const CppModel* cpp_ = nullptr;
  const Rule* rule_ = nullptr;
  std::vector<TSNode> ancestors_;
  std::vector<const FunctionInfo*> functions_;
  int no_grad_depth_ = 0;
  int error_depth_ = 0;
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace torchlint
