#include "linter/run/lint_file.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <optional>
#include <cstring>
#include <fstream>
#include <sstream>

#include "linter/parse/cpp_kinds.h"
#include "linter/parse/flat_tree.h"
#include "linter/parse/kinds.h"
#include "linter/parse/parser.h"
#include "linter/parse/walk.h"
#include "linter/run/context.h"
#include "linter/run/glob.h"
#include "linter/run/notebook.h"
#include "linter/run/rule.h"
#include "linter/run/suppressions.h"
#include "linter/run/unused_suppressions.h"
#include "linter/semantic/cpp_model.h"
#include "linter/semantic/cpp_preprocess.h"
#include "linter/semantic/python_model.h"
#include "linter/semantic/syntax_error.h"

namespace torchlint {
namespace {

bool is_code_ignored_by_pattern(std::string_view code, const std::vector<std::string>& patterns) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return p == "ALL" || code.starts_with(p); });
}

}  // namespace

std::vector<Diagnostic> filter_file_diagnostics(std::vector<Diagnostic> diagnostics, const SuppressionSet& suppressions,
                                                const std::string& path, const Settings& settings) {
  // per-file-ignores: globs match the path relative to the settings' root, or its file name.
  std::vector<std::string> ignored_codes;
  if (!settings.per_file_ignores.empty()) {
    const std::string relative = relative_for_matching(path, settings.root);
    for (const auto& [pattern, codes] : settings.per_file_ignores) {
      if (glob_match_path(pattern, relative)) ignored_codes.insert(ignored_codes.end(), codes.begin(), codes.end());
    }
  }
  std::erase_if(diagnostics, [&](const Diagnostic& d) {
    return is_code_ignored_by_pattern(d.rule->code, ignored_codes) || suppressions.suppresses(d);
  });
  std::sort(diagnostics.begin(), diagnostics.end(), diagnostic_less);
  // One diagnostic per rule per site.
  diagnostics.erase(std::unique(diagnostics.begin(), diagnostics.end(),
                                [](const Diagnostic& a, const Diagnostic& b) {
                                  return a.rule == b.rule && a.start_byte == b.start_byte && a.end_byte == b.end_byte;
                                }),
                    diagnostics.end());
  return diagnostics;
}

namespace {

// True for the body block of a `with` whose items turn gradients off.
bool is_no_grad_block(TSNode block, TSNode parent, const PythonModel& model, const PyKinds& k, const KindTable& kinds) {
  if (ts_node_is_null(parent) || kinds.of(parent) != k.with_statement) return false;
  if (!ts_node_eq(field_child(parent, "body"), block)) return false;
  const std::uint32_t count = ts_node_named_child_count(parent);
  for (std::uint32_t i = 0; i < count; ++i) {
    TSNode clause = ts_node_named_child(parent, i);
    if (kinds.of(clause) != k.with_clause) continue;
    const std::uint32_t items = ts_node_named_child_count(clause);
    for (std::uint32_t j = 0; j < items; ++j) {
      TSNode item = ts_node_named_child(clause, j);
      if (kinds.of(item) != k.with_item) continue;
      TSNode value = field_child(item, "value");
      if (!ts_node_is_null(value) && kinds.of(value) == k.as_pattern) value = ts_node_named_child(value, 0);
      if (model.is_no_grad_context(value)) return true;
    }
  }
  return false;
}

class FileWalker {
 public:
  FileWalker(Context& context, const RuleSet::Dispatch& dispatch, Language language)
      : context_(context), dispatch_(dispatch), language_(language), kinds_(kind_table(language)) {
    checks_.reserve(dispatch.rules.size());
    for (const Rule* rule : dispatch.rules) {
      checks_.push_back((language == Language::Python ? rule->python : rule->cpp).make());
    }
  }

  // --file-timeout: once `deadline` passes, the walk stops descending (rules still see
  // matching enter/leave calls) and the caller reports the file as TL001.
  void set_deadline(std::optional<std::chrono::steady_clock::time_point> deadline) { deadline_ = deadline; }

  void run(TSNode root) {
    const KindId error = kinds_.named("ERROR");
    const KindId comment = kinds_.named("comment");
    const PyKinds& k = py_kinds();
    walk_tree(
        root,
        [&](TSNode node) {
          const KindId kind = kinds_.of(node);
          if (kind == error) ++context_.error_depth();
          if (kind == comment) comments_.push_back(node);
          if (language_ == Language::Python) enter_python_scope(node, kind, k);
          if (language_ == Language::Cpp) enter_cpp_scope(node);
          for (std::uint16_t index : dispatch_.on_enter[kind]) {
            context_.set_rule(dispatch_.rules[index]);
            checks_[index]->enter(node, context_);
          }
          context_.mutable_ancestors().push_back(node);
          // The clock is read every 1024 nodes: cheap, and a stuck file still stops soon.
          if (deadline_ && (++entered_ & 1023U) == 0 && std::chrono::steady_clock::now() > *deadline_) {
            timed_out_ = true;
          }
          return !timed_out_;
        },
        [&](TSNode node) {
          const KindId kind = kinds_.of(node);
          context_.mutable_ancestors().pop_back();
          for (std::uint16_t index : dispatch_.on_leave[kind]) {
            context_.set_rule(dispatch_.rules[index]);
            checks_[index]->leave(node, context_);
          }
          if (language_ == Language::Python) leave_python_scope(node, kind, k);
          if (language_ == Language::Cpp) leave_cpp_scope(node);
          if (kind == error) --context_.error_depth();
        });
    for (std::size_t i = 0; i < checks_.size(); ++i) {
      context_.set_rule(dispatch_.rules[i]);
      checks_[i]->finish(context_);
    }
  }

  [[nodiscard]] const std::vector<TSNode>& comments() const { return comments_; }

 private:
  void enter_python_scope(TSNode node, KindId kind, const PyKinds& k) {
    const PythonModel& model = context_.py();
    if (kind == k.function_definition) {
      const FunctionInfo* info = model.function(node);
      context_.mutable_functions().push_back(info);
      if (info != nullptr && info->no_grad_decorated) ++context_.no_grad_depth();
    } else if (kind == k.block && is_no_grad_block(node, context_.parent(), model, k, kinds_)) {
      ++context_.no_grad_depth();
      no_grad_blocks_.push_back(ts_node_start_byte(node));
    }
  }

  void leave_python_scope(TSNode node, KindId kind, const PyKinds& k) {
    if (kind == k.function_definition) {
      const FunctionInfo* info = context_.function();
      if (info != nullptr && info->no_grad_decorated) --context_.no_grad_depth();
      context_.mutable_functions().pop_back();
    } else if (kind == k.block && !no_grad_blocks_.empty() && no_grad_blocks_.back() == ts_node_start_byte(node)) {
      --context_.no_grad_depth();
      no_grad_blocks_.pop_back();
    }
  }

  // C++: an RAII guard (`torch::NoGradGuard g;`) turns gradients off from its declaration to
  // the end of its block; the block's start byte is remembered for each guard.
  void enter_cpp_scope(TSNode node) {
    const CppKinds& k = cpp_kinds();
    if (kinds_.of(node) != k.declaration || context_.cpp() == nullptr) return;
    TSNode block = context_.parent();
    if (ts_node_is_null(block) || kinds_.of(block) != k.compound_statement) return;
    if (!context_.cpp()->is_grad_guard(node, context_.ancestors())) return;
    ++context_.no_grad_depth();
    no_grad_blocks_.push_back(ts_node_start_byte(block));
  }

  void leave_cpp_scope(TSNode node) {
    if (kinds_.of(node) != cpp_kinds().compound_statement) return;
    while (!no_grad_blocks_.empty() && no_grad_blocks_.back() == ts_node_start_byte(node)) {
      --context_.no_grad_depth();
      no_grad_blocks_.pop_back();
    }
  }

  std::optional<std::chrono::steady_clock::time_point> deadline_;
  std::uint32_t entered_ = 0;
  bool timed_out_ = false;
  Context& context_;
  const RuleSet::Dispatch& dispatch_;
  Language language_;
  const KindTable& kinds_;
  std::vector<std::unique_ptr<Check>> checks_;
  std::vector<TSNode> comments_;
  std::vector<std::uint32_t> no_grad_blocks_;
};

}  // namespace

Diagnostic meta_diagnostic(std::string_view code, const std::string& path, std::string message, Range range) {
  const Rule* rule = find_rule(code);
  Diagnostic diagnostic;
  diagnostic.path = path;
  diagnostic.rule = &rule->info;
  diagnostic.level = rule->info.level;
  diagnostic.message = std::move(message);
  if (range.start.row == 0) range.start = Position{1, 1};
  if (range.end < range.start) range.end = range.start;
  diagnostic.range = range;
  diagnostic.noqa_row = range.start.row;
  return diagnostic;
}

namespace {

using Clock = std::chrono::steady_clock;

std::optional<Clock::time_point> deadline_for(const Settings& settings) {
  if (settings.file_timeout <= 0) return std::nullopt;
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(settings.file_timeout));
}

bool is_past(const std::optional<Clock::time_point>& deadline) { return deadline && Clock::now() > *deadline; }

std::vector<Diagnostic> timed_out(const SourceFile& file, const Settings& settings, const RuleSet& rules) {
  if (!rules.enabled("TL001")) return {};
  std::ostringstream seconds;
  seconds << settings.file_timeout;
  return {meta_diagnostic("TL001", file.path(),
                          "checking took longer than --file-timeout (" + seconds.str() + " s); file skipped")};
}

std::vector<Diagnostic> lint_tree(const SourceFile& file, const Settings& settings, const RuleSet& rules,
                                  const TSTree* tree, ProjectExtras* extras,
                                  std::optional<Clock::time_point> deadline);

}  // namespace

std::vector<Diagnostic> lint_source(const SourceFile& file, const Settings& settings, const RuleSet& rules,
                                    ProjectExtras* extras) {
  const Language language = file.language();
  const auto deadline = deadline_for(settings);
  // C++ is parsed from its macro-recovered text: same length and offsets (cpp_preprocess.h).
  const std::string recovered =
      language == Language::Cpp ? recover_cpp_source(file.text(), settings.attribute_macros) : std::string();
  const std::string_view text = language == Language::Cpp ? std::string_view(recovered) : file.text();
  Tree tree = deadline ? parse_until(language, text, *deadline) : parse(language, text);
  if (is_past(deadline)) return timed_out(file, settings, rules);
  if (!tree) return {meta_diagnostic("TL001", file.path(), "the parser gave up on this file")};
  return lint_tree(file, settings, rules, tree.get(), extras, deadline);
}

std::vector<Diagnostic> lint_source(const SourceFile& file, const Settings& settings, const RuleSet& rules,
                                    const TSTree* tree, ProjectExtras* extras) {
  return lint_tree(file, settings, rules, tree, extras, deadline_for(settings));
}

namespace {

std::vector<Diagnostic> lint_tree(const SourceFile& file, const Settings& settings, const RuleSet& rules,
                                  const TSTree* tree, ProjectExtras* extras,
                                  std::optional<Clock::time_point> deadline) {
  const Language language = file.language();
  TSNode root = ts_tree_root_node(tree);
  // One cursor walk records the file's nodes; every later walk steps through the array.
  const FlatTree flat(root);
  const FlatTree::Activation active_flat(&flat);

  Context context(file, settings, kind_table(language));
  std::optional<PythonModel> python;
  if (language == Language::Python) {
    python.emplace(tree, file.text());
    context.set_python(&*python);
  }
  std::string cpp_text;
  std::optional<CppModel> cpp;
  if (language == Language::Cpp) {
    cpp_text = recover_cpp_source(file.text(), settings.attribute_macros);
    cpp.emplace(const_cast<TSTree*>(tree), cpp_text);
    context.set_cpp(&*cpp);
  }
  FileWalker walker(context, rules.dispatch(language), language);
  walker.set_deadline(deadline);
  walker.run(root);
  if (is_past(deadline)) return timed_out(file, settings, rules);

  std::vector<Diagnostic> diagnostics = std::move(context.diagnostics());
  if (rules.enabled("TL002")) {
    if (auto syntax = find_syntax_error(file, root)) diagnostics.push_back(std::move(*syntax));
  }

  SuppressionSet suppressions;
  for (TSNode comment : walker.comments()) {
    const std::uint32_t start = ts_node_start_byte(comment);
    suppressions.add_comment(file.slice(start, ts_node_end_byte(comment)), file.lines().row_of(start) + 1, language,
                             start, ts_node_end_byte(comment));
  }
  suppressions.finish(file.lines().line_count());
  if (extras != nullptr && python) {
    extras->facts = extract_file_facts(*python, root, file.text(), extras->is_test_file, file.path());
    for (auto& loss : extras->facts.losses) {
      loss.range = Range{file.lines().position(loss.start_byte), file.lines().position(loss.end_byte)};
    }
    extras->suppressions = suppressions;
  }
  std::vector<Diagnostic> kept = filter_file_diagnostics(std::move(diagnostics), suppressions, file.path(), settings);
  if (rules.enabled("TL003")) report_unused_suppressions(file, suppressions, rules, settings, kept);
  if (is_past(deadline)) return timed_out(file, settings, rules);
  return kept;
}

}  // namespace

bool read_file(const std::filesystem::path& path, std::string& content, std::string& error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "is a directory, not a source file";
    return false;
  }
  std::ifstream stream(path, std::ios::binary);
  if (!stream) {
    error = std::strerror(errno);
    return false;
  }
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  if (stream.bad()) {
    error = "read error";
    return false;
  }
  content = std::move(buffer).str();
  return true;
}

std::vector<Diagnostic> lint_path(const std::filesystem::path& path, const std::string& display_path,
                                  const Settings& settings, const RuleSet& rules, ProjectExtras* extras) {
  std::string content;
  std::string error;
  const bool report_io = rules.enabled("TL001");
  if (!read_file(path, content, error)) {
    if (!report_io) return {};
    return {meta_diagnostic("TL001", display_path, "cannot read file: " + error)};
  }
  if (auto nul = content.find('\0'); nul != std::string::npos) {
    if (!report_io) return {};
    return {meta_diagnostic("TL001", display_path,
                            "not a text file: NUL byte at offset " + std::to_string(nul) + "; file skipped")};
  }
  if (!is_valid_utf8(content)) {
    if (!report_io) return {};
    return {meta_diagnostic("TL001", display_path, "not valid UTF-8; file skipped")};
  }
  if (is_notebook_path(path)) return lint_notebook(display_path, content, settings, rules);
  Language language = language_for_path(path.string());
  if (language == Language::Unknown) language = Language::Python;  // a named file of another extension
  SourceFile file(display_path, std::move(content), language);
  return lint_source(file, settings, rules, extras);
}

}  // namespace torchlint
